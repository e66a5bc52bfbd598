package dev.malt.server.servlet.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UriPathsTest {

    @Test
    void decodesAndCanonicalizes() {
        assertEquals("/a b/\u00e9", UriPaths.decodeRawPath("/a%20b/%C3%A9"));
        assertEquals("/a/c", UriPaths.decodeRawPath("/a/./b/../c"));
        assertEquals("/a/", UriPaths.decodeRawPath("/a/b/.."));
        assertEquals("/a/b", UriPaths.decodeRawPath("//a///b"));
        assertEquals("/a/b/", UriPaths.decodeRawPath("/a;x=1/b;jsessionid=2/"));
        assertEquals("/", UriPaths.decodeRawPath("/a/%2e%2e"));
        assertEquals("/", UriPaths.decodeRawPath("/"));
        assertEquals("/+", UriPaths.decodeRawPath("/+"), "'+' is a plus in a path, not a space");
        assertEquals("/\u20ac/caf\u00e9", UriPaths.decodeRawPath("/%E2%82%ac/caf\u00c3\u00a9"), "escaped and raw UTF-8");
    }

    @Test
    void pathParametersGoBeforeDecoding() {
        assertEquals("/a/b", UriPaths.decodeRawPath("/a;x=%zz/b"), "a malformed escape in a parameter is dropped with it");
        assertEquals("/a/b", UriPaths.decodeRawPath("/a;p=%2F/b"), "and so is an encoded '/' in one");
        assertEquals("/a;b", UriPaths.decodeRawPath("/a%3Bb"), "an encoded ';' is part of the name");
        assertEquals("/a/", UriPaths.decodeRawPath("/a/;jsessionid=1"));
    }

    @Test
    void rejectsWhatLayersCouldReadDifferently() {
        for (String path : new String[] {"/a%2fb", "/a%5Cb", "/a%5c", "/a%2F%2F", "/a%2", "/a%", "/a%g0", "/..", "/a/../../b", "/%00",
                "/a%0Ab", "/%FF", "/%C3"}) {
            RequestRejectedException e = assertThrows(RequestRejectedException.class, () -> UriPaths.decodeRawPath(path), path);
            assertEquals(400, e.status());
        }
    }

    @Test
    void frontendDecodedPathIsReadAsUtf8() {
        assertEquals("/caf\u00e9", UriPaths.canonicalizeDecoded("/caf\u00e9".getBytes(StandardCharsets.UTF_8)));
        assertEquals("/b", UriPaths.canonicalizeDecoded("/a/../b".getBytes(StandardCharsets.UTF_8)));
        assertThrows(RequestRejectedException.class, () -> UriPaths.canonicalizeDecoded(new byte[] {'/', (byte) 0xE9}));
    }

    // 3.5.2: path parameters are dropped before dot segments are resolved, so "..;x" cannot climb out
    @Test
    void frontendDecodedPathLosesItsPathParameters() {
        assertEquals("/ctx/s/get", UriPaths.canonicalizeDecodedWithoutParameters(
                "/ctx/s/get;jsessionid=ABC".getBytes(StandardCharsets.UTF_8)));
        assertEquals("/a/c/", UriPaths.canonicalizeDecodedWithoutParameters("/a;v=1/b;x/../c;y/".getBytes(StandardCharsets.UTF_8)));
        assertThrows(RequestRejectedException.class, () -> UriPaths.canonicalizeDecodedWithoutParameters(
                "/..;x/etc".getBytes(StandardCharsets.UTF_8)));
    }
}
