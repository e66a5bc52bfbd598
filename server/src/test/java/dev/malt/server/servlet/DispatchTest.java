package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.core.DispatchEchoServlet;
import dev.malt.server.servlet.apps.core.DispatchingServlet;
import dev.malt.server.servlet.apps.core.IncludedServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import static dev.malt.server.servlet.TestWebApp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forward, include and named dispatchers (Servlet 6.1 chapter 9). */
class DispatchTest {

    @TempDir
    static Path webRoot;
    private static ServletHost host;
    private static BlockingQueue<String> events;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(webRoot.resolve("hello.txt"), "HELLO\n");
        host = TestWebApp.at("/ctx")
                .webRoot(webRoot)
                .servlet("target", DispatchEchoServlet.class, "/target/*")
                .servlet("included", IncludedServlet.class, "/included/*")
                .servlet("fwd", DispatchingServlet.class, "/fwd/*")
                .servlet("fwd2", DispatchingServlet.class, "/fwd2/*")
                .servlet("inc", DispatchingServlet.class, "/inc/*")
                .servlet("inc2", DispatchingServlet.class, "/inc2/*")
                .servlet("rel", DispatchingServlet.class, "/rel/dir/page")
                .servlet("relTarget", DispatchEchoServlet.class, "/rel/dir/*")
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

    @AfterEach
    void noRequestFailed() {
        assertEquals(0, host.exceptionCount(), "a dispatch failed with an exception: see the log");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static RecordingChannel ok(String uri) {
        RecordingChannel c = get(host, uri);
        assertEquals(200, c.status, c.bodyText());
        assertTrue(c.finished, c.events.toString());
        return c;
    }

    // 9.4: the target sees the dispatcher's path; 9.4.2: forward.* attributes hold the original's;
    // 9.1.1: the dispatcher's query parameters come first; 9.4: the buffer is cleared before and the
    // response is closed after the forward
    @Test
    void forwardShowsTheTargetPathsAndTheOriginalInAttributes() {
        RecordingChannel c = ok("/ctx/fwd/a?x=1&p=orig&to=" + enc("/target/t?p=new&y=2"));
        String body = c.bodyText();
        assertFalse(body.contains("fwd.before"), body);
        assertFalse(body.contains("fwd.after"), body);
        Map<String, String> e = Hosts.lines(body);
        assertEquals("target", e.get("name"));
        assertEquals("FORWARD", e.get("dispatcherType"));
        assertEquals("/ctx/target/t", e.get("requestURI"));
        assertEquals("/target", e.get("servletPath"));
        assertEquals("/t", e.get("pathInfo"));
        assertEquals("p=new&y=2", e.get("queryString"));
        assertEquals("PATH|t|/target/*|target", e.get("mapping"));
        assertEquals("new,orig", e.get("param.p"));
        assertEquals("1", e.get("param.x"));
        assertEquals("2", e.get("param.y"));
        assertEquals("/ctx/fwd/a", e.get("attr.forward.request_uri"));
        assertEquals("/ctx", e.get("attr.forward.context_path"));
        assertEquals("/fwd", e.get("attr.forward.servlet_path"));
        assertEquals("/a", e.get("attr.forward.path_info"));
        assertEquals("x=1&p=orig&to=" + enc("/target/t?p=new&y=2"), e.get("attr.forward.query_string"));
        assertEquals("PATH|a|/fwd/*|fwd", e.get("attr.forward.mapping"));
        assertEquals(1, c.events.stream().filter(s -> s.equals("finish")).count());

        // back in the forwarding servlet: the response is committed and the request is its own again
        assertEquals(List.of("fwd.after committed=true servletPath=/fwd pathInfo=/a requestURI=/ctx/fwd/a"
                        + " queryString=x=1&p=orig&to=" + enc("/target/t?p=new&y=2")
                        + " dispatcherType=REQUEST forward.request_uri=null include.servlet_path=null"
                        + " param.to=/target/t?p=new&y=2"),
                TestWebApp.drain(events));
    }

    // 9.4.2: in a forward of a forward, the attributes still describe the original request
    @Test
    void nestedForwardKeepsTheFirstForwardAttributes() {
        RecordingChannel c = ok("/ctx/fwd/a?to=" + enc("/fwd2/b?to=" + enc("/target/t")));
        Map<String, String> e = Hosts.lines(c.bodyText());
        assertEquals("target", e.get("name"));
        assertEquals("/ctx/target/t", e.get("requestURI"));
        assertEquals("/ctx/fwd/a", e.get("attr.forward.request_uri"));
        assertEquals("/fwd", e.get("attr.forward.servlet_path"));
        assertEquals("/a", e.get("attr.forward.path_info"));
        List<String> after = TestWebApp.drain(events);
        assertEquals(2, after.size(), after.toString());
        assertTrue(after.get(0).startsWith("fwd2.after committed=true servletPath=/fwd2 pathInfo=/b"), after.get(0));
        assertTrue(after.get(0).contains("forward.request_uri=/ctx/fwd/a"), after.get(0));
        assertTrue(after.get(1).contains("forward.request_uri=null"), after.get(1));
    }

    // 9.4: forward after the response was committed is an IllegalStateException
    @Test
    void forwardAfterCommitThrows() {
        RecordingChannel c = ok("/ctx/fwd/a?commit=true&to=/target/t");
        assertEquals("fwd.before\nfwd.ISE\n", c.bodyText());
    }

    // 9.3: the included servlet sees the including request's paths and the include.* attributes; it
    // cannot change status, headers or cookies; 9.1.1: its query parameters come first while it runs
    @Test
    void includeKeepsTheRequestAndSetsIncludeAttributes() {
        RecordingChannel c = ok("/ctx/inc/a?q=0&op=include&to=" + enc("/included/t?q=1"));
        String body = c.bodyText();
        assertTrue(body.startsWith("inc.before\n"), body);
        Map<String, String> e = Hosts.lines(body);
        assertEquals("INCLUDE", e.get("dispatcherType"));
        assertEquals("/ctx/inc/a", e.get("requestURI"));
        assertEquals("/inc", e.get("servletPath"));
        assertEquals("/a", e.get("pathInfo"));
        assertEquals("PATH|a|/inc/*|inc", e.get("mapping"));
        assertEquals("/ctx/included/t", e.get("attr.include.request_uri"));
        assertEquals("/ctx", e.get("attr.include.context_path"));
        assertEquals("/included", e.get("attr.include.servlet_path"));
        assertEquals("/t", e.get("attr.include.path_info"));
        assertEquals("q=1", e.get("attr.include.query_string"));
        assertEquals("PATH|t|/included/*|included", e.get("attr.include.mapping"));
        assertEquals("1,0", e.get("param.q"));
        assertEquals("200", e.get("status"));
        assertTrue(body.endsWith("inc.after servletPath=/inc pathInfo=/a requestURI=/ctx/inc/a queryString=q=0&op=include&to="
                + enc("/included/t?q=1") + " dispatcherType=REQUEST forward.request_uri=null include.servlet_path=null"
                + " param.to=/included/t?q=1\n"), body);

        assertEquals(200, c.status);
        assertEquals("text/plain;charset=UTF-8", c.header("Content-Type"));
        assertNull(c.header("X-Included"));
        assertTrue(c.headers("Set-Cookie").isEmpty(), c.headers.toString());
    }

    // 9.3.1: a nested include sees its own include.* attributes; they are restored when it returns
    @Test
    void nestedIncludeRestoresTheOuterAttributes() {
        RecordingChannel c = ok("/ctx/inc/a?op=include&to=" + enc("/inc2/b?to=" + enc("/included/t")));
        String body = c.bodyText();
        assertTrue(body.startsWith("inc.before\ninc2.before\n"), body);
        assertEquals("/included", Hosts.lines(body).get("attr.include.servlet_path"));
        assertTrue(body.contains("inc2.after servletPath=/inc pathInfo=/a"), body);
        assertTrue(body.contains("dispatcherType=INCLUDE forward.request_uri=null include.servlet_path=/inc2"), body);
        assertTrue(body.contains("inc.after servletPath=/inc pathInfo=/a"), body);
        assertTrue(body.contains("dispatcherType=REQUEST forward.request_uri=null include.servlet_path=null"), body);
    }

    // 9.3: a static file can be included into a writer
    @Test
    void includeAStaticFile() {
        RecordingChannel c = ok("/ctx/inc/a?op=include&to=/hello.txt");
        assertTrue(c.bodyText().startsWith("inc.before\nHELLO\ninc.after "), c.bodyText());
    }

    // 9.4.2 / 9.3.1: a named dispatcher sets no forward.* or include.* attributes and keeps the paths
    @Test
    void namedDispatchersSetNoPathAttributes() {
        Map<String, String> forwarded = Hosts.lines(ok("/ctx/fwd/a?named=target").bodyText());
        assertEquals("FORWARD", forwarded.get("dispatcherType"));
        assertEquals("/ctx/fwd/a", forwarded.get("requestURI"));
        assertEquals("/fwd", forwarded.get("servletPath"));
        assertEquals("/a", forwarded.get("pathInfo"));
        assertTrue(forwarded.keySet().stream().noneMatch(k -> k.startsWith("attr.")), forwarded.toString());

        Map<String, String> included = Hosts.lines(ok("/ctx/inc/a?op=include&named=target").bodyText());
        assertEquals("INCLUDE", included.get("dispatcherType"));
        assertEquals("/inc", included.get("servletPath"));
        assertTrue(included.keySet().stream().noneMatch(k -> k.startsWith("attr.")), included.toString());
    }

    // 9.1: ServletRequest#getRequestDispatcher resolves a relative path against the current request's path
    @Test
    void relativeDispatcherPaths() {
        Map<String, String> sibling = Hosts.lines(ok("/ctx/rel/dir/page?to=" + enc("x?z=1")).bodyText());
        assertEquals("relTarget", sibling.get("name"));
        assertEquals("/ctx/rel/dir/x", sibling.get("requestURI"));
        assertEquals("/rel/dir", sibling.get("servletPath"));
        assertEquals("/x", sibling.get("pathInfo"));
        assertEquals("z=1", sibling.get("queryString"));

        Map<String, String> up = Hosts.lines(ok("/ctx/rel/dir/page?to=" + enc("../../target/t")).bodyText());
        assertEquals("target", up.get("name"));
        assertEquals("/target", up.get("servletPath"));
        assertEquals("/t", up.get("pathInfo"));
        assertEquals("/ctx/target/t", up.get("requestURI"));
    }
}
