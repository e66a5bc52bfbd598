package dev.malt.server.servlet.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MappingHelpersTest {

    @Test
    void headerNamesAreRestored() {
        assertEquals("Content-Type", GatewayRequestMapping.headerName("HTTP_CONTENT_TYPE"));
        assertEquals("X-Foo", GatewayRequestMapping.headerName("HTTP_X_FOO"));
        assertEquals("Host", GatewayRequestMapping.headerName("HTTP_HOST"));
        assertEquals("Sec-Fetch-Dest", GatewayRequestMapping.headerName("HTTP_SEC_FETCH_DEST"));
    }

    @Test
    void requestUriPathPart() {
        assertEquals("/a/b", GatewayRequestMapping.stripToPath("/a/b?x=1#f"));
        assertEquals("/p", GatewayRequestMapping.stripToPath("http://host:8080/p?q"));
        assertEquals("/", GatewayRequestMapping.stripToPath("http://host"));
    }

    @Test
    void acceptLanguageOrder() {
        assertEquals(List.of(Locale.forLanguageTag("fr-CH"), Locale.forLanguageTag("de"), Locale.ENGLISH),
                AcceptLanguage.parse(List.of("en;q=0.5, fr-CH, *;q=0.9, de;q=0.7, xx-;q=0, it;q=0")));
    }

    @Test
    void redirectDotSegments() {
        assertEquals("/a/c", RedirectLocations.removeDotSegments("/a/b/../c"));
        assertEquals("/a/", RedirectLocations.removeDotSegments("/a/b/.."));
        assertEquals("/", RedirectLocations.removeDotSegments("/../.."));
    }

    @Test
    void contentTypeParts() {
        assertEquals("text/html", ContentTypes.mediaType(" Text/HTML ; charset=x"));
        assertEquals("utf-8", ContentTypes.charset("text/html; Charset=\"utf-8\""));
        assertEquals("multipart/form-data;boundary=x", ContentTypes.withoutCharset("multipart/form-data; charset=a; boundary=x"));
    }

    @Test
    void contextPathNormalization() {
        assertEquals("", ContextDeployer.normalizeContextPath("/"));
        assertEquals("", ContextDeployer.normalizeContextPath(null));
        assertEquals("/shop", ContextDeployer.normalizeContextPath("shop/"));
        assertEquals("/shop", ContextDeployer.normalizeContextPath("/shop"));
    }
}
