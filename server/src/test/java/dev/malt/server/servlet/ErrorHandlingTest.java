package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.ScenarioServlet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.malt.server.servlet.TestExchange.nginx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uncaught servlet exceptions and clients that go away: the worker keeps serving. */
class ErrorHandlingTest {

    private ServletHost host;

    @BeforeEach
    void start() {
        host = Hosts.start(ScenarioServlet.class, "");
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private RecordingChannel run(String uri) {
        TestExchange exchange = TestExchange.of(nginx("GET", uri));
        host.handle(exchange);
        return exchange.channel;
    }

    @Test
    void exceptionBecomes500AndTheNextRequestIsServed() {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        RecordingChannel failed = run("/throw");
        assertEquals(500, failed.status);
        assertTrue(failed.bodyText().contains("500 Internal Server Error"), failed.bodyText());
        assertFalse(failed.bodyText().contains("boom"), "exception details stay in the log");
        assertTrue(failed.finished);
        assertEquals(1, host.exceptionCount());
        assertEquals(before, Thread.currentThread().getContextClassLoader(), "TCCL restored");

        RecordingChannel next = run("/buffered");
        assertEquals(200, next.status);
        assertEquals("hello", next.bodyText());
        assertEquals(2, host.requestCount());
        assertEquals(1, host.exceptionCount());
    }

    @Test
    void servletExceptionBecomes500() {
        RecordingChannel c = run("/throw-servlet-exception");
        assertEquals(500, c.status);
        assertEquals(1, host.exceptionCount());
    }

    @Test
    void unavailableExceptionBecomes503() {
        assertEquals(503, run("/unavailable").status);
    }

    @Test
    void errorPageReplacesHalfBuiltResponse() {
        RecordingChannel c = run("/throw-after-headers");
        assertEquals(500, c.status);
        assertNull(c.header("X-Half"));
        assertFalse(c.bodyText().contains("half"));
    }

    @Test
    void exceptionAfterCommitAbortsTheConnection() {
        RecordingChannel c = run("/throw-after-commit");
        assertEquals(200, c.status);
        assertEquals("partial", c.bodyText());
        assertFalse(c.finished);
        assertNotNull(c.aborted);
        assertEquals(1, host.exceptionCount());
        assertEquals(200, run("/buffered").status);
    }

    @Test
    void clientGoneWhileWritingIsNotAServletFailure() {
        TestExchange exchange = TestExchange.of(nginx("GET", "/big"));
        exchange.channel.failAfterBytes = 100;
        host.handle(exchange);
        assertNotNull(exchange.channel.aborted);
        assertEquals(0, host.exceptionCount());
        assertEquals(200, run("/buffered").status);
    }
}
