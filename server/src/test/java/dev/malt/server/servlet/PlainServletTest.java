package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.GetOnlyServlet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.malt.server.servlet.TestExchange.nginx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An ordinary HttpServlet subclass, with HttpServlet's own HEAD and 405 handling. */
class PlainServletTest {

    private static RecordingChannel run(ServletHost host, String method) {
        TestExchange exchange = TestExchange.of(nginx(method, "/"));
        host.handle(exchange);
        return exchange.channel;
    }

    @Test
    void getHeadAndUnsupportedMethod() {
        try (ServletHost host = Hosts.start(GetOnlyServlet.class, "")) {
            RecordingChannel get = run(host, "GET");
            assertEquals(List.of("head 200 11", "write 11", "finish"), get.events);
            assertEquals("text/plain;charset=ISO-8859-1", get.header("Content-Type"));

            RecordingChannel head = run(host, "HEAD");
            assertEquals(200, head.status);
            assertEquals(11, head.contentLength);
            assertEquals(0, head.body.size());
            assertEquals("text/plain;charset=ISO-8859-1", head.header("Content-Type"));

            RecordingChannel post = run(host, "POST");
            assertEquals(405, post.status);
            assertTrue(post.header("Allow") != null || post.bodyText().contains("405"), post.bodyText());
        }
    }

    @Test
    void requestsAfterCloseGet503WithoutTouchingTheServlet() {
        ServletHost host = Hosts.start(GetOnlyServlet.class, "");
        host.close();
        RecordingChannel c = run(host, "GET");
        assertEquals(503, c.status);
        assertTrue(c.finished);
        assertEquals(0, host.exceptionCount());
    }

    @Test
    void writesAfterTheClientWentAwayFailFast() {
        try (ServletHost host = Hosts.start(dev.malt.server.servlet.apps.ScenarioServlet.class, "")) {
            TestExchange exchange = TestExchange.of(nginx("GET", "/overflow"));
            exchange.channel.failAfterBytes = 5; // the first real write fails
            host.handle(exchange);
            assertEquals(List.of("head 200 -1", "abort"), exchange.channel.events);
        }
    }
}
