package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.core.DispatchEchoServlet;
import dev.malt.server.servlet.apps.core.DispatchingServlet;
import dev.malt.server.servlet.apps.core.StaticViaDefaultServlet;
import dev.malt.server.servlet.apps.core.WrappingFilter;
import dev.malt.server.servlet.internal.HttpDates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.malt.server.servlet.TestWebApp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The container's default servlet: an app's static files (Servlet 6.1 section 10.5, RFC 9110). */
class DefaultServletTest {

    private static final String HELLO = "Hello, static world!\n";
    private static final Instant MODIFIED = Instant.parse("2024-01-02T03:04:05Z");
    private static final String ETAG = "W/\"" + HELLO.length() + "-" + MODIFIED.toEpochMilli() + "\"";

    @TempDir
    static Path webRoot;
    @TempDir
    static Path outside;
    private static ServletHost host;

    @BeforeAll
    static void start() throws IOException {
        Path hello = Files.writeString(webRoot.resolve("hello.txt"), HELLO);
        Files.setLastModifiedTime(hello, FileTime.from(MODIFIED));
        Files.writeString(webRoot.resolve("style.css"), "body { color: red }");
        Files.createDirectories(webRoot.resolve("sub"));
        Files.writeString(webRoot.resolve("sub/page.html"), "<p>page</p>");
        Files.createDirectories(webRoot.resolve("welcome"));
        Files.writeString(webRoot.resolve("welcome/index.html"), "<p>welcome</p>");
        Files.createDirectories(webRoot.resolve("WEB-INF"));
        Files.writeString(webRoot.resolve("WEB-INF/web.xml"), "<web-app/>");
        Files.createDirectories(webRoot.resolve("WEB-INF/views"));
        Files.writeString(webRoot.resolve("WEB-INF/views/view.html"), "<p>view</p>");
        Files.writeString(webRoot.resolve("WEB-INF/views/404.html"), "<p>missing</p>");
        Files.createDirectories(webRoot.resolve("META-INF"));
        Files.writeString(webRoot.resolve("META-INF/MANIFEST.MF"), "Manifest-Version: 1.0\n");
        Path secret = Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(webRoot.resolve("link-out.txt"), secret);
        Files.createSymbolicLink(webRoot.resolve("dir-out"), outside);
        Files.createSymbolicLink(webRoot.resolve("link-in.txt"), hello);
        Files.writeString(webRoot.resolve("page.jsp"), "<% String secret = \"source\"; %>");
        host = TestWebApp.at("/ctx")
                .webRoot(webRoot)
                .filter("wrap", WrappingFilter.class, false, Map.of())
                .filterOnUrls("wrap", List.of("/sub/*"))
                .servlet("pages", DispatchEchoServlet.class, "*.jsp")
                .servlet("dispatcher", DispatchingServlet.class, "/d/*")
                .errorPage(404, "/WEB-INF/views/404.html")
                .start();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    // 10.5: a file with its MIME type, length and validators
    @Test
    void staticFileWithTypeLengthAndValidators() {
        RecordingChannel c = get(host, "/ctx/hello.txt");
        assertEquals(200, c.status);
        assertEquals(HELLO, c.bodyText());
        assertEquals(HELLO.length(), c.contentLength);
        assertEquals("text/plain", c.header("Content-Type"));
        assertEquals(ETAG, c.header("ETag"));
        assertEquals(HttpDates.format(MODIFIED.toEpochMilli()), c.header("Last-Modified"));
        assertEquals("bytes", c.header("Accept-Ranges"));
        assertEquals("text/css", get(host, "/ctx/style.css").header("Content-Type"));
    }

    // RFC 9110 13.1.2: If-None-Match with the current tag is 304 without a body
    @Test
    void ifNoneMatchGives304() {
        RecordingChannel c = get(host, "/ctx/hello.txt", "HTTP_IF_NONE_MATCH", ETAG);
        assertEquals(304, c.status);
        assertEquals(0, c.body.size());
        assertEquals(ETAG, c.header("ETag"));
        assertEquals(200, get(host, "/ctx/hello.txt", "HTTP_IF_NONE_MATCH", "\"other\"").status);
        assertEquals(304, get(host, "/ctx/hello.txt", "HTTP_IF_NONE_MATCH", "\"a\", " + ETAG).status);
    }

    // RFC 9110 13.1.3: If-Modified-Since at or after the file's time is 304; If-None-Match takes precedence
    @Test
    void ifModifiedSinceGives304() {
        String lastModified = HttpDates.format(MODIFIED.toEpochMilli());
        assertEquals(304, get(host, "/ctx/hello.txt", "HTTP_IF_MODIFIED_SINCE", lastModified).status);
        String before = HttpDates.format(MODIFIED.minusSeconds(60).toEpochMilli());
        assertEquals(200, get(host, "/ctx/hello.txt", "HTTP_IF_MODIFIED_SINCE", before).status);
        assertEquals(200, get(host, "/ctx/hello.txt", "HTTP_IF_MODIFIED_SINCE", lastModified,
                "HTTP_IF_NONE_MATCH", "\"other\"").status);
    }

    // RFC 9110 14.2: a satisfiable range is 206 with Content-Range; an unsatisfiable one is 416
    @Test
    void byteRanges() {
        RecordingChannel first = get(host, "/ctx/hello.txt", "HTTP_RANGE", "bytes=0-4");
        assertEquals(206, first.status);
        assertEquals("Hello", first.bodyText());
        assertEquals(5, first.contentLength);
        assertEquals("bytes 0-4/" + HELLO.length(), first.header("Content-Range"));

        RecordingChannel suffix = get(host, "/ctx/hello.txt", "HTTP_RANGE", "bytes=-7");
        assertEquals(206, suffix.status);
        assertEquals("world!\n", suffix.bodyText());

        RecordingChannel beyond = get(host, "/ctx/hello.txt", "HTTP_RANGE", "bytes=100-");
        assertEquals(416, beyond.status);
        assertEquals("bytes */" + HELLO.length(), beyond.header("Content-Range"));

        // a range the server does not do (several at once) gets the whole file
        RecordingChannel multi = get(host, "/ctx/hello.txt", "HTTP_RANGE", "bytes=0-1,3-4");
        assertEquals(200, multi.status);
        assertEquals(HELLO, multi.bodyText());
    }

    // 10.5 / Tomcat's behaviour: a directory without '/' is redirected; a directory is never listed
    @Test
    void directoriesRedirectAndAreNotListed() {
        RecordingChannel redirect = get(host, "/ctx/sub?x=1");
        assertEquals(302, redirect.status);
        assertEquals("http://example.org:18080/ctx/sub/?x=1", redirect.header("Location"));
        RecordingChannel listing = get(host, "/ctx/sub/");
        assertEquals(404, listing.status);
        assertTrue(!listing.bodyText().contains("page.html"), listing.bodyText());
    }

    // 10.10: a directory with a welcome file serves it, without a redirect
    @Test
    void welcomeFile() {
        RecordingChannel c = get(host, "/ctx/welcome/");
        assertEquals(200, c.status);
        assertEquals("<p>welcome</p>", c.bodyText());
        assertEquals("text/html", c.header("Content-Type"));
    }

    // 10.5: nothing under WEB-INF or META-INF is served to a client, whatever the case of the name
    @Test
    void webInfAndMetaInfAreHidden() {
        for (String path : List.of("/ctx/WEB-INF/web.xml", "/ctx/web-inf/web.xml", "/ctx/WEB-INF/",
                "/ctx/WEB-INF", "/ctx/META-INF/MANIFEST.MF", "/ctx/meta-inf/MANIFEST.MF",
                "/ctx/WEB-INF/views/view.html", "/ctx/WEB-INF;x=1/web.xml")) {
            RecordingChannel c = get(host, path);
            assertEquals(404, c.status, path);
            assertEquals("<p>missing</p>", c.bodyText(), path);
        }
    }

    // 10.5: "the contents of the WEB-INF directory ... may be exposed using the RequestDispatcher calls":
    // forward, include and error pages reach files there
    @Test
    void webInfFilesThroughDispatchers() {
        RecordingChannel forward = get(host, "/ctx/d/x?to=/WEB-INF/views/view.html");
        assertEquals(200, forward.status);
        assertEquals("<p>view</p>", forward.bodyText());
        RecordingChannel include = get(host, "/ctx/d/x?op=include&to=/WEB-INF/views/view.html");
        assertEquals(200, include.status);
        assertTrue(include.bodyText().startsWith("dispatcher.before\n<p>view</p>dispatcher.after"), include.bodyText());
        RecordingChannel error = get(host, "/ctx/missing.txt");
        assertEquals(404, error.status);
        assertEquals("<p>missing</p>", error.bodyText());
    }

    // 10.5: an app servlet mapped to everything does not get requests for WEB-INF either
    @Test
    void webInfIsHiddenFromAppServletsToo() {
        try (ServletHost all = TestWebApp.at("").webRoot(webRoot)
                .servlet("all", DispatchEchoServlet.class, "/*").start()) {
            assertEquals(404, get(all, "/WEB-INF/web.xml").status);
            assertEquals(404, get(all, "/META-INF/MANIFEST.MF").status);
            assertEquals(200, get(all, "/other").status);
        }
    }

    // A symbolic link that leads out of the web root serves nothing; one that stays inside works
    @Test
    void symlinksOutOfTheRootAreNotFollowed() {
        assertEquals(404, get(host, "/ctx/link-out.txt").status);
        assertEquals(404, get(host, "/ctx/dir-out/secret.txt").status);
        RecordingChannel inside = get(host, "/ctx/link-in.txt");
        assertEquals(200, inside.status);
        assertEquals(HELLO, inside.bodyText());
    }

    // RFC 9110 9.3.2: HEAD has the headers of GET, no body; other methods are 405 with Allow
    @Test
    void headAndOtherMethods() {
        RecordingChannel head = TestWebApp.send(host, "HEAD", "/ctx/hello.txt");
        assertEquals(200, head.status);
        assertEquals(HELLO.length(), head.contentLength);
        assertEquals(0, head.body.size());
        assertEquals(ETAG, head.header("ETag"));

        RecordingChannel post = TestWebApp.send(host, "POST", "/ctx/hello.txt");
        assertEquals(405, post.status);
        assertEquals("GET, HEAD, OPTIONS", post.header("Allow"));
    }

    // A filter that wraps the response still gets the file, through the wrapper
    @Test
    void fileThroughAResponseWrapper() {
        RecordingChannel c = get(host, "/ctx/sub/page.html");
        assertEquals(200, c.status);
        assertEquals("<p>page</p>", c.bodyText());
        assertEquals("1", c.header("X-Wrapped"));
        assertEquals("text/html", c.header("Content-Type"));
        assertEquals(11, c.contentLength);
    }

    // A file name with a '/' after it is not the file: "/page.jsp/" must not serve a page's source
    // past its extension mapping
    @Test
    void fileWithATrailingSlashIsNotServed() {
        assertEquals(404, get(host, "/ctx/hello.txt/").status);
        assertEquals(404, get(host, "/ctx/sub/page.html/").status);
        assertEquals(404, get(host, "/ctx/link-in.txt/").status);
        assertEquals(200, get(host, "/ctx/page.jsp").status); // the page's servlet
        RecordingChannel source = get(host, "/ctx/page.jsp/");
        assertEquals(404, source.status);
        assertTrue(!source.bodyText().contains("secret"), source.bodyText());
    }

    // An app that maps "/" itself can still hand static files to the container's servlet by name
    // (Spring's DefaultServletHttpRequestHandler does this)
    @Test
    void namedDispatchToTheContainerDefaultServlet() {
        try (ServletHost app = TestWebApp.at("").webRoot(webRoot)
                .servlet("front", StaticViaDefaultServlet.class, "/").start()) {
            RecordingChannel c = get(app, "/hello.txt");
            assertEquals(200, c.status, c.bodyText());
            assertEquals(HELLO, c.bodyText());
            assertEquals("text/plain", c.header("Content-Type"));
            assertEquals(304, get(app, "/hello.txt", "HTTP_IF_NONE_MATCH", ETAG).status);
            assertEquals(404, get(app, "/missing.txt").status);
        }
    }

    // 10.5: a missing file is a 404
    @Test
    void missingFile() {
        RecordingChannel c = get(host, "/ctx/nothing.txt");
        assertEquals(404, c.status);
        assertEquals("<p>missing</p>", c.bodyText());
        assertNull(c.header("ETag"));
    }
}
