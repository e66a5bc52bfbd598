package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.core.DispatchEchoServlet;
import dev.malt.server.servlet.apps.core.ThrowingServlet;
import dev.malt.server.servlet.apps.core.UnavailableServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.malt.server.servlet.TestWebApp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Error pages (Servlet 6.1 section 10.9) and what the client sees when something fails. */
class ErrorPageTest {

    @TempDir
    static Path webRoot;
    private static ServletHost host;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(webRoot.resolve("404.html"), "<p>custom not found</p>");
        host = TestWebApp.at("/ctx")
                .webRoot(webRoot)
                .servlet("thrower", ThrowingServlet.class, "/throw/*")
                .servlet("errorEcho", DispatchEchoServlet.class, "/err/*")
                .servlet("brokenErrorPage", ThrowingServlet.class, "/errboom/*")
                .errorPage(IllegalStateException.class, "/err/ise")
                .errorPage(IllegalArgumentException.class, "/err/iae")
                .errorPage(IOException.class, "/errboom/x")
                .errorPage(404, "/404.html")
                .errorPage(410, "/err/gone?from=page")
                .defaultErrorPage("/err/default")
                .start();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static Map<String, String> errorPage(RecordingChannel c, int status) {
        assertEquals(status, c.status, c.bodyText());
        assertTrue(c.finished, c.events.toString());
        Map<String, String> e = Hosts.lines(c.bodyText());
        assertEquals("ERROR", e.get("dispatcherType"), c.bodyText());
        return e;
    }

    // 10.9.1: the error page runs as an ERROR dispatch with the error.* attributes; 10.9.2: by exception type
    @Test
    void exceptionGoesToThePageForItsType() {
        Map<String, String> e = errorPage(get(host, "/ctx/throw/x?what=ise"), 500);
        assertEquals("errorEcho", e.get("name"));
        assertEquals("/ctx/err/ise", e.get("requestURI"));
        assertEquals("/err", e.get("servletPath"));
        assertEquals("/ise", e.get("pathInfo"));
        assertEquals("500", e.get("status"));
        assertEquals("500", e.get("attr.error.status_code"));
        assertEquals("java.lang.IllegalStateException:bad state", e.get("attr.error.exception"));
        assertEquals("java.lang.IllegalStateException", e.get("attr.error.exception_type"));
        assertEquals("bad state", e.get("attr.error.message"));
        assertEquals("/ctx/throw/x", e.get("attr.error.request_uri"));
        assertEquals("thrower", e.get("attr.error.servlet_name"));
        assertEquals("GET", e.get("attr.error.method"));
        assertEquals("what=ise", e.get("attr.error.query_string"));
        assertEquals("ise", e.get("param.what"));
    }

    // 10.9.2: the closest superclass with a page wins
    @Test
    void exceptionSubclassUsesTheSuperclassPage() {
        Map<String, String> e = errorPage(get(host, "/ctx/throw/x?what=cancel"), 500);
        assertEquals("/ctx/err/ise", e.get("requestURI"));
        assertEquals("java.util.concurrent.CancellationException", e.get("attr.error.exception_type"));
    }

    // 10.9.2: a ServletException without a page of its own is matched again by its root cause
    @Test
    void servletExceptionIsMatchedByItsRootCause() {
        Map<String, String> e = errorPage(get(host, "/ctx/throw/x?what=wrapped"), 500);
        assertEquals("/ctx/err/iae", e.get("requestURI"));
        assertEquals("java.lang.IllegalArgumentException", e.get("attr.error.exception_type"));
        assertEquals("the root", e.get("attr.error.message"));
    }

    // 10.9.2: no page for the exception nor for 500: the default error page
    @Test
    void unmatchedExceptionGoesToTheDefaultPage() {
        Map<String, String> e = errorPage(get(host, "/ctx/throw/x?what=servlet"), 500);
        assertEquals("/ctx/err/default", e.get("requestURI"));
        assertEquals("500", e.get("attr.error.status_code"));
        assertEquals("jakarta.servlet.ServletException", e.get("attr.error.exception_type"));
    }

    // 10.9.2: sendError goes to the page for its status, with error.message and no exception
    @Test
    void sendErrorGoesToThePageForItsStatus() {
        Map<String, String> e = errorPage(get(host, "/ctx/throw/x?what=send410"), 410);
        assertEquals("/ctx/err/gone", e.get("requestURI"));
        assertEquals("from=page", e.get("queryString"));
        assertEquals("page", e.get("param.from"));
        assertEquals("send410", e.get("param.what"));
        assertEquals("410", e.get("attr.error.status_code"));
        assertEquals("gone away", e.get("attr.error.message"));
        assertNull(e.get("attr.error.exception"));
        assertNull(e.get("attr.error.exception_type"));
        assertEquals("thrower", e.get("attr.error.servlet_name"));
        assertEquals("what=send410", e.get("attr.error.query_string"));
    }

    // 10.9.2: a status without a page of its own goes to the default error page
    @Test
    void sendErrorWithoutAPageForTheStatusUsesTheDefaultPage() {
        Map<String, String> e = errorPage(get(host, "/ctx/throw/x?what=send503"), 503);
        assertEquals("/ctx/err/default", e.get("requestURI"));
        assertEquals("503", e.get("attr.error.status_code"));
    }

    // 10.9.1 and 10.5: a static error page keeps the error status
    @Test
    void staticErrorPageKeepsTheStatus() {
        RecordingChannel c = get(host, "/ctx/throw/x?what=send404");
        assertEquals(404, c.status);
        assertEquals("<p>custom not found</p>", c.bodyText());
        assertEquals("text/html", c.header("Content-Type"));
        // a missing static file is a 404 too
        RecordingChannel missing = get(host, "/ctx/no/such/file.txt");
        assertEquals(404, missing.status);
        assertEquals("<p>custom not found</p>", missing.bodyText());
    }

    // HttpServletResponse#sendError: the buffer is cleared, headers and cookies set before are kept
    @Test
    void sendErrorKeepsHeadersSetBefore() {
        RecordingChannel c = get(host, "/ctx/throw/x?what=keepHeaders");
        assertEquals(404, c.status);
        assertEquals("<p>custom not found</p>", c.bodyText());
        assertEquals("yes", c.header("X-Keep"));
        assertEquals("kept=1", c.header("Set-Cookie"));
    }

    // An uncaught exception: what the app half-built (headers, body) does not leak into the error page
    @Test
    void exceptionDiscardsHeadersSetBefore() {
        RecordingChannel c = get(host, "/ctx/throw/x?what=dropHeaders");
        Map<String, String> e = errorPage(c, 500);
        assertEquals("/ctx/err/ise", e.get("requestURI"));
        assertNull(c.header("X-Drop"));
        assertFalse(c.bodyText().contains("discarded body"), c.bodyText());
    }

    // An error page that fails itself: Malt's own page for the original status, and the response ends
    @Test
    void errorPageThatThrowsFallsBackToTheContainerPage() {
        RecordingChannel c = get(host, "/ctx/throw/x?what=io");
        assertEquals(500, c.status);
        assertTrue(c.finished, c.events.toString());
        assertTrue(c.bodyText().contains("500"), c.bodyText());
        assertFalse(c.bodyText().contains("disk gone"), c.bodyText());
    }

    // An exception after the response was committed cannot become an error page: the connection is cut
    @Test
    void exceptionAfterCommitAbortsTheResponse() {
        RecordingChannel c = get(host, "/ctx/throw/x?what=commitThenThrow");
        assertEquals(200, c.status);
        assertNotNull(c.aborted);
        assertEquals("partial", c.bodyText());
    }

    // RFC 9110 9.3.2: HEAD gets the error status and headers, never a body
    @Test
    void headRequestGetsTheErrorStatusWithoutABody() {
        RecordingChannel c = TestWebApp.send(host, "HEAD", "/ctx/throw/x?what=ise");
        assertEquals(500, c.status);
        assertTrue(c.finished);
        assertEquals(0, c.body.size());
        RecordingChannel sent = TestWebApp.send(host, "HEAD", "/ctx/throw/x?what=send404");
        assertEquals(404, sent.status);
        assertEquals(0, sent.body.size());
        assertEquals("<p>custom not found</p>".length(), sent.contentLength);
    }

    // 2.3.3.2: a temporarily unavailable servlet answers 503 with Retry-After and gets no requests
    // meanwhile; a permanently unavailable one answers 404 from then on and is destroyed
    @Test
    void unavailableServlets() {
        try (ServletHost unavailable = TestWebApp.at("")
                .servlet("busy", UnavailableServlet.class, "/busy")
                .servlet("gone", UnavailableServlet.class, "/gone").start()) {
            var events = TestWebApp.events(unavailable, "");
            RecordingChannel first = get(unavailable, "/busy");
            assertEquals(503, first.status);
            assertEquals("30", first.header("Retry-After"));
            RecordingChannel second = get(unavailable, "/busy");
            assertEquals(503, second.status);
            assertNotNull(second.header("Retry-After"));
            assertEquals(java.util.List.of("init busy", "service busy"), TestWebApp.drain(events));

            assertEquals(404, get(unavailable, "/gone?permanent=1").status);
            assertEquals(404, get(unavailable, "/gone?permanent=1").status);
            assertEquals(java.util.List.of("init gone", "service gone", "destroy gone"), TestWebApp.drain(events));
            assertEquals(0, unavailable.exceptionCount());
        }
    }

    // Without error pages: Malt's own page; an exception's message stays in the log, sendError's is shown escaped
    @Test
    void containerPageWithoutErrorPages() {
        try (ServletHost plain = TestWebApp.at("").servlet("thrower", ThrowingServlet.class, "/*").start()) {
            RecordingChannel failed = get(plain, "/x");
            assertEquals(500, failed.status);
            assertEquals("text/html;charset=UTF-8", failed.header("Content-Type"));
            assertFalse(failed.bodyText().contains("secret"), failed.bodyText());
            assertEquals(1, plain.exceptionCount());

            RecordingChannel sent = get(plain, "/x?what=send404");
            assertEquals(404, sent.status);
            assertTrue(sent.bodyText().contains("no such &lt;thing&gt;"), sent.bodyText());
            assertEquals(1, plain.exceptionCount());
        }
    }
}
