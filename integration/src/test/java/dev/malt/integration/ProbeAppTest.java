package dev.malt.integration;

import dev.malt.integration.support.Apache;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.Frontend;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.Probe;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.RawUwsgi;
import dev.malt.protocol.UwsgiVars;
import dev.malt.samples.ProbeServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample ProbeServlet in one Malt app (one worker; a TCP and a unix uwsgi socket, and an
 * http-socket), reached through real nginx and Apache in front of each uwsgi socket, and on its own
 * sockets directly. The web servers include the shipped snippets from {@code packaging/}, so these tests
 * also check what operators copy.
 */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProbeAppTest {

    private MaltProcess malt;
    private Endpoint tcp;
    private Endpoint unix;
    private Endpoint http;
    private final List<Frontend> frontends = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();

    @BeforeAll
    void start() {
        tcp = Endpoint.freeTcp();
        MaltProcess.Builder app = MaltProcess.probe("probe");
        unix = Endpoint.unix(app.path("probe.sock"));
        http = Endpoint.freeTcp();
        malt = app.socket(tcp).socket(unix).httpSocket(http).option("threads", "8").start();
        for (Endpoint upstream : List.of(tcp, unix)) {
            routes.add(new Route(started(Nginx.to(upstream).start())));
            routes.add(new Route(started(Apache.to(upstream).start())));
        }
    }

    @AfterAll
    void stop() {
        for (Frontend f : frontends) {
            f.close();
        }
        if (malt != null) {
            malt.close();
        }
    }

    private Frontend started(Frontend frontend) {
        frontends.add(frontend);
        return frontend;
    }

    /** Every request through nginx and Apache, each in front of the TCP and the unix socket. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ThroughWebServers {

        List<Route> routes() {
            return routes;
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("routes")
        void getWithQueryStringAndPercentEncodedNonAsciiPath(Route route) {
            HttpResponse response = RawHttp.get("/inspect/caf%C3%A9?q=%C3%A9t%C3%A9").send(route.endpoint());
            Probe probe = response.probe();

            assertTrue(response.header("Content-Type").startsWith("application/json"), response::toString);
            assertEquals("GET", probe.string("method"));
            assertEquals("/inspect/caf%C3%A9", probe.string("requestURI"), "the request URI stays raw");
            assertEquals("q=%C3%A9t%C3%A9", probe.string("queryString"), "the query string stays raw");
            assertEquals("", probe.string("contextPath"));
            assertEquals("", probe.string("servletPath"));
            assertEquals("/inspect/café", probe.string("pathInfo"), "path info is decoded as UTF-8");
            assertEquals(List.of("été"), probe.parameter("q"), "query parameters are decoded as UTF-8");
            assertEquals("http", probe.string("scheme"));
            assertFalse(probe.bool("secure"));
            assertEquals("HTTP/1.1", probe.string("protocol"));
            assertEquals("127.0.0.1", probe.string("serverName"), "the host part of the Host header");
            assertEquals(route.endpoint().port(), probe.number("serverPort"), "the port the web server listens on");
            assertEquals("127.0.0.1", probe.string("remoteAddr"));
            assertTrue(probe.number("remotePort") > 0, () -> "remotePort: " + probe);
            assertNull(probe.get("contentType"), "a GET without a body has no content type");
            assertEquals(-1, probe.number("contentLength"), "a GET without a body has no content length");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("routes")
        void formPostParametersArrive(Route route) {
            String form = "name=Malt+%C3%A9&multi=1&multi=2";
            String type = "application/x-www-form-urlencoded; charset=UTF-8";
            Probe probe = RawHttp.post("/inspect?from=query").body(type, form).send(route.endpoint()).probe();

            assertEquals("POST", probe.string("method"));
            assertEquals(type, probe.string("contentType"));
            assertEquals("UTF-8", probe.string("characterEncoding"));
            assertEquals(form.length(), probe.number("contentLength"));
            assertEquals(List.of("query"), probe.parameter("from"));
            assertEquals(List.of("Malt é"), probe.parameter("name"));
            assertEquals(List.of("1", "2"), probe.parameter("multi"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("routes")
        void megabytePostIsEchoedByteForByte(Route route) {
            byte[] body = new byte[1 << 20];
            new Random(20260101L).nextBytes(body);
            HttpResponse response = RawHttp.post("/echo").body("application/octet-stream", body).send(route.endpoint());

            assertEquals(200, response.status(), response::toString);
            assertTrue(response.header("Content-Type").startsWith("application/octet-stream"), response::toString);
            assertEquals(body.length, response.bodyLength(), "echoed body length");
            assertArrayEquals(body, response.body(), "echoed body bytes");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("routes")
        void repeatedHeadersAndSeveralCookiesAllArrive(Route route) {
            Probe probe = RawHttp.get("/inspect")
                    .header("X-Foo", "a")
                    .header("X-Foo", "b")
                    .header("Cookie", "a=1")
                    .header("Cookie", "b=2; c=3")
                    .send(route.endpoint()).probe();

            // nginx forwards each header line as its own uwsgi var; Apache merges them into "a, b" first.
            assertEquals("a, b", String.join(", ", probe.header("X-Foo")), () -> "X-Foo values: " + probe.header("X-Foo"));
            if (route.isNginx()) {
                assertEquals(List.of("a", "b"), probe.header("X-Foo"), "repeated headers stay separate values");
                assertEquals(List.of("a=1; b=2; c=3"), probe.header("Cookie"), "Cookie headers are joined with '; '");
            }
            assertEquals(List.of("a=1", "b=2", "c=3"), probe.cookies(), "cookies from both Cookie headers");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("routes")
        void uwsgiSchemeHttpsMakesTheRequestSecure(Route route) {
            Endpoint upstream = route.frontend().upstream();
            try (Frontend tls = route.isNginx()
                    ? Nginx.to(upstream).location("uwsgi_param UWSGI_SCHEME https;").start()
                    : Apache.to(upstream).vhost("SetEnv UWSGI_SCHEME https").start()) {
                Probe probe = RawHttp.get("/inspect").send(tls.endpoint()).probe();
                assertEquals("https", probe.string("scheme"));
                assertTrue(probe.bool("secure"), "isSecure() with UWSGI_SCHEME=https");
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("routes")
        void headerBlockOf20KiBPassesWithTheDefaultBufferSize(Route route) {
            RawHttp request = RawHttp.get("/inspect");
            for (int i = 0; i < 20; i++) {
                request.header(String.format("X-Big-%02d", i), bigValue(i));
            }
            Probe probe = request.send(route.endpoint()).probe();
            for (int i = 0; i < 20; i++) {
                assertEquals(List.of(bigValue(i)), probe.header(String.format("X-Big-%02d", i)), "header X-Big-" + i);
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("routes")
        void servletExceptionGives500AndTheWorkerKeepsServing(Route route) {
            String pidBefore = RawHttp.get("/pid").send(route.endpoint()).text().trim();

            HttpResponse failed = RawHttp.get("/fail").send(route.endpoint());
            assertEquals(500, failed.status(), failed::toString);
            malt.awaitOutput(ProbeServlet.FAILURE_MESSAGE, Duration.ofSeconds(10));

            HttpResponse after = RawHttp.get("/pid").send(route.endpoint());
            assertEquals(200, after.status(), after::toString);
            assertEquals(pidBefore, after.text().trim(), "the same worker serves after the exception");
            assertEquals(200, RawHttp.get("/inspect").send(route.endpoint()).status());
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("routes")
        void largeResponsesArriveWholeWithAndWithoutContentLength(Route route) {
            int n = 3 * 1024 * 1024 + 17;
            HttpResponse sized = RawHttp.get("/bytes?n=" + n).send(route.endpoint());
            assertEquals(200, sized.status(), sized::toString);
            assertPattern(sized.body(), n);

            HttpResponse streamed = RawHttp.get("/bytes?n=" + n + "&stream").send(route.endpoint());
            assertEquals(200, streamed.status(), streamed::toString);
            assertPattern(streamed.body(), n);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("routes")
        void statusCodesAndRedirectsPassThrough(Route route) {
            HttpResponse notFound = RawHttp.get("/status?code=404").send(route.endpoint());
            assertEquals(404, notFound.status(), notFound::toString);
            assertEquals("status 404\n", notFound.text());

            HttpResponse redirect = RawHttp.get("/redirect?to=/inspect/target").send(route.endpoint());
            assertEquals(302, redirect.status(), redirect::toString);
            String location = redirect.header("Location");
            assertTrue(location != null && location.endsWith("/inspect/target"), redirect::toString);
        }
    }

    /** Malt's own sockets, without a web server: what nginx or a browser would see. */
    @Nested
    class OnItsOwnSockets {

        @Test
        void everyUwsgiSocketAnswersPing() throws IOException {
            for (Endpoint socket : List.of(tcp, unix)) {
                byte[] answer = RawUwsgi.ping(socket, Duration.ofSeconds(5));
                assertArrayEquals(RawUwsgi.PONG, answer, "ping on " + socket);
            }
        }

        @Test
        void unixSocketTakesTheModeOfChmodSocket() throws IOException {
            assertEquals(PosixFilePermissions.fromString("rw-rw-rw-"), Files.getPosixFilePermissions(unix.path()),
                    "chmod-socket = 666");
        }

        @Test
        void httpSocketServesTheSameApp() {
            Probe probe = RawHttp.get("/inspect/caf%C3%A9?q=%C3%A9t%C3%A9").send(http).probe();
            assertEquals("/inspect/caf%C3%A9", probe.string("requestURI"));
            assertEquals("/inspect/café", probe.string("pathInfo"));
            assertEquals(List.of("été"), probe.parameter("q"));
            assertEquals(http.port(), probe.number("serverPort"));
            assertEquals("HTTP/1.1", probe.string("protocol"));

            byte[] body = new byte[1 << 20];
            new Random(7).nextBytes(body);
            HttpResponse echoed = RawHttp.post("/echo").body("application/octet-stream", body).send(http);
            assertEquals(200, echoed.status(), echoed::toString);
            assertArrayEquals(body, echoed.body(), "1 MiB echoed over the http-socket");

            int n = 1024 * 1024 + 5;
            HttpResponse streamed = RawHttp.get("/bytes?n=" + n + "&stream").send(http);
            assertEquals(200, streamed.status(), streamed::toString);
            assertPattern(streamed.body(), n);
        }

        @Test
        void repeatedUwsgiVarsBecomeMultiValuedHeaders() {
            UwsgiVars vars = RawUwsgi.vars("GET", "/inspect")
                    .add("HTTP_X_FOO", "a")
                    .add("HTTP_X_FOO", "b")
                    .add("HTTP_COOKIE", "a=1")
                    .add("HTTP_COOKIE", "b=2")
                    .build();
            Probe probe = RawUwsgi.request(tcp, vars, new byte[0], Duration.ofSeconds(10)).probe();
            assertEquals(List.of("a", "b"), probe.header("X-Foo"));
            assertEquals(List.of("a=1; b=2"), probe.header("Cookie"));
            assertEquals(List.of("a=1", "b=2"), probe.cookies());
        }

        @Test
        void httpsVarMakesTheRequestSecure() {
            UwsgiVars vars = RawUwsgi.vars("GET", "/inspect").add("HTTPS", "on").build();
            Probe probe = RawUwsgi.request(unix, vars, new byte[0], Duration.ofSeconds(10)).probe();
            assertEquals("https", probe.string("scheme"));
            assertTrue(probe.bool("secure"), "isSecure() with HTTPS=on");
        }
    }

    private static String bigValue(int i) {
        StringBuilder sb = new StringBuilder(1000);
        while (sb.length() < 1000) {
            sb.append((char) ('a' + (sb.length() + i) % 26));
        }
        return sb.toString();
    }

    private static void assertPattern(byte[] body, int n) {
        assertEquals(n, body.length, "body length");
        for (int i = 0; i < n; i++) {
            if (body[i] != (byte) (i % 251)) {
                throw new AssertionError("body byte " + i + " is " + (body[i] & 0xFF) + ", expected " + (i % 251)
                        + " (start: " + new String(body, 0, Math.min(body.length, 64), StandardCharsets.ISO_8859_1) + ")");
            }
        }
    }
}
