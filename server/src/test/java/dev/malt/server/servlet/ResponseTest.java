package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.apps.ScenarioServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.malt.server.servlet.TestExchange.nginx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Response status, headers, buffering, commit, errors, redirects and cookies. */
class ResponseTest {

    private static ServletHost host;
    private static ServletHost shop;

    @BeforeAll
    static void start() {
        host = Hosts.start(ScenarioServlet.class, "");
        shop = Hosts.start(ScenarioServlet.class, "/shop");
    }

    @AfterAll
    static void stop() {
        host.close();
        shop.close();
    }

    private static RecordingChannel run(String uri) {
        return run(host, "GET", uri);
    }

    private static RecordingChannel run(ServletHost target, String method, String uri) {
        TestExchange exchange = TestExchange.of(nginx(method, uri));
        target.handle(exchange);
        return exchange.channel;
    }

    @Test
    void smallBodyIsSentWithItsExactLength() {
        RecordingChannel c = run("/buffered");
        assertEquals(200, c.status);
        assertEquals(5, c.contentLength);
        assertEquals("hello", c.bodyText());
        assertEquals(List.of("head 200 5", "write 5", "finish"), c.events);
        assertNotNull(c.header("Date"));
    }

    @Test
    void emptyBodyHasLengthZero() {
        RecordingChannel c = run("/empty");
        assertEquals(List.of("head 200 0", "finish"), c.events);
        assertNull(c.header("Content-Type"));
    }

    @Test
    void bufferOverflowCommitsWithUnknownLength() {
        RecordingChannel c = run("/overflow");
        assertEquals(ResponseChannel.UNKNOWN_LENGTH, c.contentLength);
        assertEquals("01234567890123456789end", c.bodyText());
        // 10 bytes buffered; the next 10 overflow 16: head, the buffered 10, then the new 10 buffered
        assertEquals(List.of("head 200 -1", "write 10", "write 13", "finish"), c.events);
    }

    @Test
    void writeLargerThanTheBufferGoesStraightThrough() {
        RecordingChannel c = run("/big");
        assertEquals(ResponseChannel.UNKNOWN_LENGTH, c.contentLength);
        assertEquals(List.of("head 200 -1", "write 10000", "finish"), c.events);
    }

    @Test
    void flushBufferCommits() {
        RecordingChannel c = run("/flush");
        assertEquals(ResponseChannel.UNKNOWN_LENGTH, c.contentLength);
        assertEquals("acommitted=true", c.bodyText());
        assertEquals(List.of("head 200 -1", "write 1", "flush", "write 14", "finish"), c.events);
    }

    @Test
    void reachingTheDeclaredLengthCommitsAndCloses() {
        RecordingChannel c = run("/declared");
        assertEquals(5, c.contentLength);
        assertEquals("hello", c.bodyText());
        assertEquals("yes", c.header("X-Before"));
        assertNull(c.header("X-After"), "headers after commit are ignored");
        assertTrue(c.finished);
        assertNull(c.aborted);
    }

    @Test
    void declaredLengthLongerThanTheBufferedBodyIsCorrected() {
        RecordingChannel c = run("/declared-short");
        assertEquals(3, c.contentLength, "nothing was sent yet: the real length avoids a hanging client");
        assertTrue(c.finished);
    }

    @Test
    void declaredLengthNotReachedAfterCommitAborts() {
        RecordingChannel c = run("/declared-short-committed");
        assertEquals(10, c.contentLength);
        assertEquals("abc", c.bodyText());
        assertFalse(c.finished);
        assertNotNull(c.aborted);
    }

    @Test
    void closingTheStreamFinishesTheResponse() {
        RecordingChannel c = run("/close-stream");
        assertEquals(6, c.contentLength);
        assertEquals("closed", c.bodyText());
        assertEquals(List.of("head 200 6", "write 6", "finish"), c.events);
    }

    @Test
    void sendErrorWritesAnEscapedPageAndCommits() {
        RecordingChannel c = run("/sendError");
        assertEquals(404, c.status);
        assertEquals("text/html;charset=UTF-8", c.header("Content-Type"));
        assertEquals("1", c.header("X-Kept"), "headers set before sendError stay");
        assertNull(c.header("X-Late"));
        String page = c.bodyText();
        assertTrue(page.contains("<title>404 Not Found</title>"), page);
        assertTrue(page.contains("No &lt;such&gt; page &amp; more"), page);
        assertFalse(page.contains("discarded") || page.contains("ignored"), page);
        assertEquals(page.getBytes(StandardCharsets.UTF_8).length, c.contentLength);
        assertTrue(c.finished);
    }

    @Test
    void sendErrorAfterCommitIsIllegal() {
        RecordingChannel c = run("/sendError-committed");
        assertEquals(200, c.status);
        assertEquals("x ISE:sendError(500): the response is already committed", c.bodyText());
    }

    @Test
    void relativeRedirectIsResolvedAgainstTheRequestUri() {
        RecordingChannel c = run(shop, "GET", "/shop/cart/view");
        assertEquals(404, c.status); // no such scenario: sanity check of the context path
        c = run(shop, "GET", "/shop/redirect-relative");
        assertEquals(302, c.status);
        assertEquals("http://example.org:18080/shop/other?x=1", c.header("Location"));
        assertTrue(c.bodyText().contains("href=\"http://example.org:18080/shop/other?x=1\""), c.bodyText());
        assertEquals("text/html;charset=UTF-8", c.header("Content-Type"));
    }

    @Test
    void redirectLocationsOfEveryKind() {
        assertEquals("http://example.org:18080/login", run("/redirect-root").header("Location"));
        assertEquals("http://cdn.example.net/a", run("/redirect-network").header("Location"));
        assertEquals("https://example.com/x", run("/redirect-absolute").header("Location"));
        RecordingChannel seeOther = run("/redirect-303");
        assertEquals(303, seeOther.status);
        assertEquals("http://example.org:18080/done", seeOther.header("Location"));
    }

    @Test
    void redirectWithoutClearingKeepsTheBufferedBody() {
        RecordingChannel c = run("/redirect-keep");
        assertEquals(307, c.status);
        assertEquals("kept body", c.bodyText());
        assertEquals("http://example.org:18080/k", c.header("Location"));
    }

    @Test
    void redirectUsesTheSchemeTheClientUsed() {
        TestExchange exchange = TestExchange.of(nginx("GET", "/redirect-root").add("HTTPS", "on")
                .add("HTTP_HOST", "ignored.example"));
        host.handle(exchange);
        assertEquals("https://example.org:18080/login", exchange.channel.header("Location"));
    }

    @Test
    void cookiesWithAllAttributes() {
        List<String> cookies = run("/cookies").headers("Set-Cookie");
        assertEquals(3, cookies.size(), cookies.toString());
        String session = cookies.get(0);
        assertTrue(session.startsWith("sid=abc123; "), session);
        for (String attribute : new String[] {"Path=/shop", "Domain=example.org", "Max-Age=3600", "Expires=",
                "Secure", "HttpOnly", "SameSite=Lax"}) {
            assertTrue(session.contains("; " + attribute), attribute + " in " + session);
        }
        // RFC 6265: Max-Age only ever positive; a deleted cookie is said with a past Expires alone
        assertEquals("old=; Expires=Thu, 01 Jan 1970 00:00:10 GMT", cookies.get(1));
        assertEquals("plain=v", cookies.get(2));
    }

    @Test
    void cookieValueThatWouldBreakTheHeaderIsRefused() {
        String body = run("/bad-cookie").bodyText();
        assertTrue(body.startsWith("IAE:Cookie c has a value that cannot be sent"), body);
    }

    @Test
    void headersAsSetWithoutFramingHeaders() {
        RecordingChannel c = run("/headers");
        assertEquals("1", c.header("X-One"));
        assertEquals(List.of("a", "b"), c.headers("X-Multi"));
        assertEquals("42", c.header("X-Int"));
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", c.header("Last-Modified"));
        assertEquals("a  Set-Cookie: evil=1", c.header("X-Injected"));
        assertTrue(c.headers("Set-Cookie").isEmpty());
        assertNull(c.header("X-Removed"));
        assertEquals("de-CH", c.header("Content-Language"));
        // Content-Type set as a header became the content type; the writer added its charset
        assertEquals("text/csv;charset=ISO-8859-1", c.header("Content-Type"));
        // Content-Length set as a header is the declared length: the body was cut at 2 bytes
        assertEquals(2, c.contentLength);
        assertEquals("co", c.bodyText());
        // the list the channel got has no Transfer-Encoding/Connection (RecordingChannel checks too)
        assertNull(c.header("Transfer-Encoding"));
        assertNull(c.header("Connection"));
    }

    @Test
    void headerGettersSeeContentTypeAndLength() {
        String seen = run("/headers").header("X-Seen");
        assertTrue(seen.startsWith("contains=true,false multi=[a, b] ct=text/csv;charset=ISO-8859-1 cl=2 names=["
                + "Content-Type, X-One, X-Multi, X-Int, Last-Modified"), seen);
        assertTrue(seen.endsWith(", Content-Length]"), seen);
    }

    @Test
    void writerDefaultsToIso88591AndSaysSo() {
        RecordingChannel c = run("/latin1-writer");
        assertEquals("text/html;charset=ISO-8859-1", c.header("Content-Type"));
        assertArrayEquals("caf\u00e9 ?".getBytes(StandardCharsets.ISO_8859_1), c.body.toByteArray());
        assertEquals(List.of("head 200 6", "write 6", "finish"), c.events, "writer output gets an exact length too");
    }

    @Test
    void utf8WriterKeepsSurrogatePairsAcrossWrites() {
        RecordingChannel c = run("/utf8-writer");
        assertEquals("text/plain;charset=UTF-8", c.header("Content-Type"));
        assertEquals("caf\u00e9 \u20ac \ud83d\ude00", c.bodyText());
    }

    @Test
    void charsetFromContentTypeWithoutWriter() {
        RecordingChannel c = run("/content-type-charset");
        assertEquals("application/json;charset=utf-8", c.header("Content-Type"));
        assertEquals("{}", c.bodyText());
    }

    @Test
    void writerAndStreamExcludeEachOther() {
        assertTrue(run("/writer-then-stream").bodyText().startsWith("ISE:getWriter() has already been called"));
        assertTrue(run("/stream-then-writer").bodyText().startsWith("ISE:getOutputStream() has already been called"));
    }

    @Test
    void resetClearsStatusHeadersBufferAndWriterChoice() {
        RecordingChannel c = run("/reset");
        assertEquals(200, c.status);
        assertNull(c.header("X-Gone"));
        assertEquals("after", c.bodyText());
        assertEquals(5, c.contentLength);
    }

    @Test
    void resetBufferKeepsHeaders() {
        RecordingChannel c = run("/resetBuffer");
        assertEquals("1", c.header("X-Stays"));
        assertEquals("after", c.bodyText());
    }

    @Test
    void resetAfterCommitIsIllegal() {
        assertEquals("x reset:ISE resetBuffer:ISE", run("/reset-committed").bodyText());
    }

    @Test
    void bufferSizeOnlyBeforeContent() {
        assertEquals("x ISE", run("/bufferSize-late").bodyText());
    }

    @Test
    void headSendsTheGetLengthButNoBody() {
        RecordingChannel c = run(host, "HEAD", "/buffered");
        assertEquals(200, c.status);
        assertEquals(5, c.contentLength);
        assertEquals(0, c.body.size());
        assertEquals(List.of("head 200 5", "finish"), c.events);

        RecordingChannel big = run(host, "HEAD", "/big");
        assertEquals(ResponseChannel.UNKNOWN_LENGTH, big.contentLength);
        assertEquals(0, big.body.size());

        RecordingChannel error = run(host, "HEAD", "/nope");
        assertEquals(404, error.status);
        assertTrue(error.contentLength > 0);
        assertEquals(0, error.body.size());
    }

    @Test
    void statusesWithoutBody() {
        RecordingChannel noContent = run("/status204");
        assertEquals(204, noContent.status);
        assertEquals(ResponseChannel.UNKNOWN_LENGTH, noContent.contentLength);
        assertEquals(0, noContent.body.size());
        RecordingChannel notModified = run("/status304");
        assertEquals(304, notModified.status);
        assertEquals(0, notModified.body.size());
    }

    @Test
    void sessionsAsyncAndDispatchersWorkInAPlainServletApp() throws InterruptedException {
        RecordingChannel session = run("/session");
        assertEquals("false->null true->new=true same=true", session.bodyText());
        assertTrue(session.headers.stream().anyMatch(h -> h.getKey().equals("Set-Cookie")
                && h.getValue().startsWith("JSESSIONID=") && h.getValue().contains("HttpOnly")), session.headers.toString());

        RecordingChannel async = run("/async");
        assertTrue(async.awaitFinished(), "the async request ends");
        assertEquals("async done on another thread", async.bodyText());

        assertEquals(run("/text").bodyText(), run("/dispatcher").bodyText());
    }

    @Test
    void dateAndIntRequestHeaders() {
        TestExchange exchange = TestExchange.of(nginx("GET", "/date-header")
                .add("HTTP_IF_MODIFIED_SINCE", "Sun, 06 Nov 1994 08:49:37 GMT")
                .add("HTTP_X_COUNT", " 12 "));
        host.handle(exchange);
        assertEquals("date=784111777000 int=12 none=-1", exchange.channel.bodyText());

        UwsgiVars.Builder bad = nginx("GET", "/date-header").add("HTTP_IF_MODIFIED_SINCE", "yesterday");
        TestExchange badExchange = TestExchange.of(bad);
        host.handle(badExchange);
        assertEquals(500, badExchange.channel.status, "IllegalArgumentException per spec, uncaught here");
    }
}
