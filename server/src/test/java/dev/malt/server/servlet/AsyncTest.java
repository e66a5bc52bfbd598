package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.core.AsyncDispatchServlet;
import dev.malt.server.servlet.apps.core.AsyncServlet;
import dev.malt.server.servlet.apps.core.DispatchEchoServlet;
import dev.malt.server.servlet.apps.core.DispatchingServlet;
import dev.malt.server.servlet.apps.core.ReadListenerServlet;
import dev.malt.server.servlet.apps.core.ThrowingServlet;
import dev.malt.server.servlet.apps.core.WriteListenerServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import static dev.malt.server.servlet.TestWebApp.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Asynchronous requests (Servlet 6.1 section 2.3.3.3, the {@code AsyncContext} and {@code AsyncListener}
 * javadoc) and non-blocking I/O (section 5.3, {@code ReadListener}, {@code WriteListener}).
 */
class AsyncTest {

    private static ServletHost host;
    private static BlockingQueue<String> events;

    @BeforeAll
    static void start() {
        host = TestWebApp.at("/ctx")
                .asyncServlet("async", AsyncServlet.class, "/async/*")
                .asyncServlet("dispatcher", AsyncDispatchServlet.class, "/a/*")
                .servlet("target", DispatchEchoServlet.class, "/target/*")
                .servlet("thrower", ThrowingServlet.class, "/throw")
                .servlet("errorPage", DispatchEchoServlet.class, "/err")
                .asyncServlet("reader", ReadListenerServlet.class, "/read")
                .asyncServlet("writer", WriteListenerServlet.class, "/write")
                .asyncServlet("fwd", DispatchingServlet.class, "/fwd/*")
                .errorPage(500, "/err")
                .start();
        events = TestWebApp.events(host, "/ctx");
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @BeforeEach
    void clearEvents() {
        events.clear();
    }

    private static RecordingChannel run(String uri) throws InterruptedException {
        TestExchange exchange = TestWebApp.exchange("GET", uri);
        host.handle(exchange);
        assertTrue(exchange.channel.awaitFinished(), "the async request never ended: " + exchange.channel.events);
        assertTrue(exchange.channel.finished, exchange.channel.events.toString());
        return exchange.channel;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    // AsyncContext#complete during the dispatch that started async: effective when the dispatch returns
    @Test
    void completeOnTheRequestThread() {
        TestExchange exchange = TestWebApp.exchange("GET", "/ctx/async/x?mode=completeNow");
        host.handle(exchange);
        RecordingChannel c = exchange.channel;
        assertTrue(c.finished, "completed when the dispatch returned: " + c.events);
        assertEquals(200, c.status);
        assertEquals("started\nstill writing in the dispatch\n", c.bodyText());
    }

    // AsyncContext#start runs the task on another (container) thread; complete from there ends the response
    @Test
    void completeFromAsyncContextStart() throws InterruptedException {
        RecordingChannel c = run("/ctx/async/x?mode=start");
        assertEquals(200, c.status);
        assertEquals("otherThread=true\n", c.bodyText());
    }

    // 2.3.3.3: an application thread may complete the request
    @Test
    void completeFromAnApplicationThread() throws InterruptedException {
        RecordingChannel c = run("/ctx/async/x?mode=completeFromThread");
        assertEquals("from an app thread\n", c.bodyText());
    }

    // AsyncContext#dispatch(): back to the original URI, as an ASYNC dispatch with the async.* attributes
    @Test
    void dispatchToTheOriginalUri() throws InterruptedException {
        Map<String, String> e = Hosts.lines(run("/ctx/a/x?q=1").bodyText());
        assertEquals("dispatcher", e.get("name"));
        assertEquals("ASYNC", e.get("dispatcherType"));
        assertEquals("/ctx/a/x", e.get("requestURI"));
        assertEquals("/a", e.get("servletPath"));
        assertEquals("/x", e.get("pathInfo"));
        assertEquals("q=1", e.get("queryString"));
        assertEquals("1", e.get("param.q"));
        assertEquals("/ctx/a/x", e.get("attr.async.request_uri"));
        assertEquals("/ctx", e.get("attr.async.context_path"));
        assertEquals("/a", e.get("attr.async.servlet_path"));
        assertEquals("/x", e.get("attr.async.path_info"));
        assertEquals("q=1", e.get("attr.async.query_string"));
        assertEquals("PATH|x|/a/*|dispatcher", e.get("attr.async.mapping"));
    }

    // AsyncContext#dispatch(path): the target's paths and query; async.* describe the original request
    @Test
    void dispatchToAPath() throws InterruptedException {
        String query = "q=1&to=" + enc("/target/t?z=1");
        Map<String, String> e = Hosts.lines(run("/ctx/a/x?" + query).bodyText());
        assertEquals("target", e.get("name"));
        assertEquals("ASYNC", e.get("dispatcherType"));
        assertEquals("/ctx/target/t", e.get("requestURI"));
        assertEquals("/target", e.get("servletPath"));
        assertEquals("/t", e.get("pathInfo"));
        assertEquals("z=1", e.get("queryString"));
        assertEquals("1", e.get("param.z"));
        assertEquals("1", e.get("param.q"));
        assertEquals("/ctx/a/x", e.get("attr.async.request_uri"));
        assertEquals(query, e.get("attr.async.query_string"));
    }

    // AsyncContext#dispatch may be called from any thread
    @Test
    void dispatchFromAnotherThread() throws InterruptedException {
        Map<String, String> e = Hosts.lines(run("/ctx/async/x?mode=dispatchFromThread").bodyText());
        assertEquals("ASYNC", e.get("dispatcherType"));
        assertEquals("/async", e.get("servletPath"));
    }

    // AsyncContext#dispatch() after startAsync(request, response) in a forward: back to the forward's
    // target (the javadoc's third example); the objects passed are the originals
    @Test
    void dispatchAfterStartAsyncWithArgumentsInAForward() throws InterruptedException {
        String body = run("/ctx/fwd/a?to=" + enc("/async/b?mode=dispatchWithArgs")).bodyText();
        Map<String, String> e = Hosts.lines(body);
        assertEquals("ASYNC", e.get("dispatcherType"), body);
        assertEquals("/ctx/async/b", e.get("requestURI"));
        assertEquals("/async", e.get("servletPath"));
        assertEquals("/b", e.get("pathInfo"));
        assertEquals(List.of("hasOriginalRequestAndResponse=true"), take(events, 1));
    }

    // HttpServletResponse#sendError in an async request: the error page comes when the app completes
    @Test
    void sendErrorFromAnAsyncThread() throws InterruptedException {
        RecordingChannel c = run("/ctx/async/x?mode=sendErrorFromThread");
        assertEquals(500, c.status);
        Map<String, String> e = Hosts.lines(c.bodyText());
        assertEquals("ERROR", e.get("dispatcherType"), c.bodyText());
        assertEquals("backend said no", e.get("attr.error.message"));
        assertEquals(null, e.get("attr.error.exception"));
    }

    // 2.3.3.3: an exception after startAsync, in the dispatch that started it: error page, then completion
    @Test
    void exceptionAfterStartAsync() throws InterruptedException {
        RecordingChannel c = run("/ctx/async/x?mode=throwAfterStart");
        assertEquals(500, c.status);
        Map<String, String> e = Hosts.lines(c.bodyText());
        assertEquals("ERROR", e.get("dispatcherType"), c.bodyText());
        assertEquals("java.lang.IllegalStateException:failed after startAsync", e.get("attr.error.exception"));
    }

    // AsyncListener#onComplete once the response is done
    @Test
    void listenerHearsComplete() throws InterruptedException {
        assertEquals(200, run("/ctx/async/x?mode=listen&then=complete").status);
        assertEquals(List.of("L.onComplete"), take(events, 1));
    }

    // 2.3.3.3: a timeout nobody handles is an error dispatch with status 500, then completion
    @Test
    void unhandledTimeoutGoesToThe500ErrorPage() throws InterruptedException {
        RecordingChannel c = run("/ctx/async/x?mode=listen&then=timeout");
        assertEquals(500, c.status);
        Map<String, String> e = Hosts.lines(c.bodyText());
        assertEquals("ERROR", e.get("dispatcherType"));
        assertEquals("500", e.get("attr.error.status_code"));
        assertEquals(List.of("L.onTimeout", "L.onComplete"), take(events, 2));
    }

    // AsyncListener#onTimeout may complete the request itself: no error page then
    @Test
    void timeoutHandledByTheListener() throws InterruptedException {
        RecordingChannel c = run("/ctx/async/x?mode=listen&then=timeout&onTimeout=complete");
        assertEquals(200, c.status);
        assertEquals("", c.bodyText());
        assertEquals(List.of("L.onTimeout", "L.onComplete"), take(events, 2));
    }

    // 2.3.3.3: an exception in an async dispatch reaches onError, then the error page, then completion
    @Test
    void exceptionInAnAsyncDispatchReachesOnError() throws InterruptedException {
        RecordingChannel c = run("/ctx/async/x?mode=listen&then=error");
        assertEquals(500, c.status);
        assertEquals("ERROR", Hosts.lines(c.bodyText()).get("dispatcherType"));
        assertEquals(List.of("L.onError java.lang.RuntimeException:plain runtime failure <b>secret</b>",
                "L.onComplete"), take(events, 2));
    }

    // AsyncListener#onStartAsync when the app starts a new async cycle in an async dispatch
    @Test
    void newAsyncCycleTellsTheListeners() throws InterruptedException {
        assertEquals(200, run("/ctx/async/x?mode=listen&then=restart").status);
        assertEquals(List.of("L.onStartAsync", "L.onComplete"), take(events, 2));
    }

    // ServletRequest#startAsync: a second call in the same dispatch is an IllegalStateException
    @Test
    void startAsyncTwiceInOneDispatchThrows() throws InterruptedException {
        assertEquals("second=ISE\n", run("/ctx/async/x?mode=twice").bodyText());
    }

    // AsyncContext#dispatch after complete is an IllegalStateException
    @Test
    void dispatchAfterCompleteThrows() throws InterruptedException {
        assertEquals("dispatch=ISE\n", run("/ctx/async/x?mode=dispatchAfterComplete").bodyText());
    }

    // AsyncContext#dispatch: one dispatch per async cycle
    @Test
    void secondDispatchInOneCycleThrows() throws InterruptedException {
        Map<String, String> e = Hosts.lines(run("/ctx/async/x?mode=dispatchTwice").bodyText());
        assertEquals("target", e.get("name"));
        assertEquals(List.of("second dispatch=ISE"), take(events, 1));
    }

    // 5.3.1 ReadListener: a body that is all there is read in one onDataAvailable, then onAllDataRead
    @Test
    void readListenerWithTheWholeBodyAvailable() throws InterruptedException {
        TestExchange exchange = new TestExchange(TestExchange.nginx("POST", "/ctx/read", "text/plain", "5").build(),
                "hello".getBytes(StandardCharsets.UTF_8));
        host.handle(exchange);
        assertTrue(exchange.channel.awaitFinished());
        assertEquals("read=hello", exchange.channel.bodyText());
        assertEquals(List.of("onDataAvailable", "onAllDataRead"), take(events, 2));
    }

    // 5.3.1 ReadListener: isReady() says false while the client is slow, and onDataAvailable comes
    // again once more bytes arrived
    @Test
    void readListenerWithABodyThatArrivesLater() throws InterruptedException {
        LateBodyExchange exchange = new LateBodyExchange(
                TestExchange.nginx("POST", "/ctx/read", "text/plain", "6").build());
        host.handle(exchange);
        assertTrue(events.isEmpty(), "no data yet, so no callback: " + events);
        assertTrue(!exchange.channel.finished);

        exchange.feed("abc".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("onDataAvailable", "notReady after 3"), take(events, 2));
        exchange.feed("def".getBytes(StandardCharsets.UTF_8));
        exchange.end();
        assertTrue(exchange.channel.awaitFinished());
        assertEquals("read=abcdef", exchange.channel.bodyText());
        assertEquals(List.of("onDataAvailable", "onAllDataRead"), take(events, 2));
    }

    // 5.3.2 WriteListener: isReady() says false while the client is slow; onWritePossible comes again
    // once it took the bytes
    @Test
    void writeListenerWithASlowClient() throws InterruptedException {
        TestExchange exchange = TestWebApp.exchange("GET", "/ctx/write?chunks=8");
        exchange.channel.notReadyAfterBytes = 2048;
        host.handle(exchange);
        assertEquals(List.of("onWritePossible at 0", "notReady at 2"), take(events, 2));
        assertTrue(exchange.channel.nonBlocking);
        assertTrue(!exchange.channel.finished);

        exchange.channel.becomeReady();
        assertTrue(exchange.channel.awaitFinished());
        assertEquals(List.of("onWritePossible at 2"), take(events, 1));
        assertEquals(200, exchange.channel.status);
        assertEquals(8 * 1024, exchange.channel.body.size());
    }

    // AsyncContext#dispatch(ServletContext, String): the target runs in the other context of the host
    @Test
    void dispatchToAnotherContext() throws Exception {
        ServletHost twoContexts = ServletHost.start("test", List.of(
                TestWebApp.at("/a").asyncServlet("async", AsyncServlet.class, "/async/*")
                        .servlet("target", DispatchEchoServlet.class, "/target/*").deploy(),
                TestWebApp.at("/b").servlet("target", DispatchEchoServlet.class, "/target/*").deploy()),
                java.time.Clock.systemUTC(), List.of());
        try (twoContexts) {
            TestExchange exchange = TestWebApp.exchange("GET", "/a/async/x?mode=crossContext&context=/b");
            twoContexts.handle(exchange);
            assertTrue(exchange.channel.awaitFinished());
            Map<String, String> e = Hosts.lines(exchange.channel.bodyText());
            assertEquals(200, exchange.channel.status, exchange.channel.bodyText());
            assertEquals("/b", e.get("contextPath"));
            assertEquals("/b/target/t", e.get("requestURI"));
            assertEquals("/a/async/x", e.get("attr.async.request_uri"));
        }
    }
}
