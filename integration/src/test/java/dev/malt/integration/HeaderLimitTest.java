package dev.malt.integration;

import dev.malt.integration.support.Apache;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.RawUwsgi;
import dev.malt.protocol.UwsgiVars;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A header block over {@code buffer-size} gets a clear 431 from Malt, which nginx and Apache pass on
 * (not a reset that they would turn into a 502), and the worker keeps serving.
 */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HeaderLimitTest {

    private static final int LIMIT = 8192;

    private MaltProcess malt;
    private Endpoint tcp;
    private final List<Route> routes = new ArrayList<>();

    @BeforeAll
    void start() {
        tcp = Endpoint.freeTcp();
        malt = MaltProcess.probe("small-buffer").socket(tcp).option("buffer-size", Integer.toString(LIMIT)).start();
        routes.add(new Route(Nginx.to(tcp).start()));
        routes.add(new Route(Apache.to(tcp).start()));
    }

    @AfterAll
    void stop() {
        for (Route route : routes) {
            route.frontend().close();
        }
        if (malt != null) {
            malt.close();
        }
    }

    List<Route> routes() {
        return routes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void headerBlockOf20KiBOverBufferSizeGets431(Route route) {
        RawHttp request = RawHttp.get("/inspect");
        for (int i = 0; i < 20; i++) {
            request.header(String.format("X-Big-%02d", i), "x".repeat(1000));
        }
        HttpResponse response = request.send(route.endpoint());
        assertEquals(431, response.status(), response::toString);

        HttpResponse after = RawHttp.get("/inspect").send(route.endpoint());
        assertEquals(200, after.status(), () -> "a normal request after the 431:\n" + after);
    }

    @Test
    void oversizedVarsBlockGets431OnTheUwsgiSocketAndIsLogged() {
        UwsgiVars vars = RawUwsgi.vars("GET", "/inspect").add("HTTP_X_BIG", "y".repeat(LIMIT + 100)).build();
        HttpResponse response = RawUwsgi.request(tcp, vars, new byte[0], Duration.ofSeconds(10));
        assertEquals(431, response.status(), response::toString);
        // One log line gives the block's size and the limit, so an operator knows what to raise.
        malt.awaitOutputLine(Duration.ofSeconds(10), Integer.toString(vars.encodedSize()), Integer.toString(LIMIT));

        assertArrayEquals(RawUwsgi.PONG, assertDoesNotThrowPing(), "ping after the 431");
        HttpResponse after = RawUwsgi.request(tcp, RawUwsgi.vars("GET", "/inspect").build(), new byte[0], Duration.ofSeconds(10));
        assertEquals(200, after.status(), after::toString);
    }

    private byte[] assertDoesNotThrowPing() {
        try {
            return RawUwsgi.ping(tcp, Duration.ofSeconds(5));
        } catch (java.io.IOException e) {
            throw new AssertionError("ping after the 431 failed: " + e.getMessage(), e);
        }
    }
}
