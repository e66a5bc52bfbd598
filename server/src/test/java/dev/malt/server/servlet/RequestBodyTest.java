package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.apps.EchoServlet;
import dev.malt.server.servlet.apps.ScenarioServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static dev.malt.server.servlet.Hosts.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request bodies: form parameters, stream and reader, limits, a frontend that goes away. */
class RequestBodyTest {

    private static ServletHost echo;
    private static ServletHost scenario;

    @BeforeAll
    static void start() {
        echo = Hosts.start(EchoServlet.class, "");
        scenario = Hosts.start(ScenarioServlet.class, "");
    }

    @AfterAll
    static void stop() {
        echo.close();
        scenario.close();
    }

    private static TestExchange post(String method, String uri, String contentType, byte[] body) {
        int mark = uri.indexOf('?');
        UwsgiVars vars = UwsgiVars.builder()
                .add("REQUEST_METHOD", method)
                .add("REQUEST_URI", uri)
                .add("QUERY_STRING", mark < 0 ? "" : uri.substring(mark + 1))
                .add("CONTENT_TYPE", contentType)
                .add("CONTENT_LENGTH", Integer.toString(body.length))
                .add("SERVER_NAME", "h")
                .build();
        return new TestExchange(vars, body);
    }

    private static TestExchange post(String uri, String contentType, String body, Charset charset) {
        return post("POST", uri, contentType, body.getBytes(charset));
    }

    private static String run(ServletHost host, TestExchange exchange) {
        host.handle(exchange);
        return exchange.channel.bodyText();
    }

    @Test
    void formParametersInUtf8ByDefault() {
        Map<String, String> r = echo(echo, post("/f?q=1&name=query", "application/x-www-form-urlencoded",
                "name=J%C3%BCrg+M%C3%BCller&city=Z\u00fcrich&q=2", StandardCharsets.UTF_8));
        assertEquals("query|J\u00fcrg M\u00fcller", r.get("param:name")); // query string data first
        assertEquals("Z\u00fcrich", r.get("param:city"));                // raw UTF-8 bytes work too
        assertEquals("1|2", r.get("param:q"));
        assertEquals("q,name,city", r.get("parameterNames"));
        assertEquals("null", r.get("characterEncoding"), "nothing named a charset; the body still decodes as UTF-8");
    }

    @Test
    void formCharsetFromTheContentType() {
        Map<String, String> r = echo(echo, post("/f", "application/x-www-form-urlencoded; charset=ISO-8859-1",
                "name=J%FCrg", StandardCharsets.ISO_8859_1));
        assertEquals("J\u00fcrg", r.get("param:name"));
        assertEquals("ISO-8859-1", r.get("characterEncoding"));
    }

    @Test
    void setCharacterEncodingOverridesTheDefault() {
        String body = run(scenario, post("/set-encoding", "application/x-www-form-urlencoded", "v=%E9",
                StandardCharsets.US_ASCII));
        assertEquals("v=\u00e9 enc=ISO-8859-1", body);
    }

    @Test
    void putAndPatchFormsAreLeftToTheApp() {
        // Servlet spec 3.1.1: only POST forms become parameters; Spring's FormContentFilter reads PUT bodies itself
        for (String method : new String[] {"PUT", "PATCH"}) {
            Map<String, String> r = echo(echo, post(method, "/f", "application/x-www-form-urlencoded",
                    "a=1".getBytes(StandardCharsets.UTF_8)));
            assertFalse(r.containsKey("param:a"), method);
        }
    }

    @Test
    void otherMethodsAndContentTypesLeaveTheBodyAlone() {
        Map<String, String> get = echo(echo, post("GET", "/f", "application/x-www-form-urlencoded",
                "a=1".getBytes(StandardCharsets.UTF_8)));
        assertFalse(get.containsKey("param:a"));
        Map<String, String> json = echo(echo, post("/f", "application/json", "{\"a\":1}", StandardCharsets.UTF_8));
        assertEquals("", json.get("parameterNames"));
    }

    @Test
    void readerThenInputStreamIsIllegal() {
        String body = run(scenario, post("/reader-then-stream", "text/plain", "line one\nline two",
                StandardCharsets.UTF_8));
        assertTrue(body.startsWith("line one ISE:getReader() has already been called"), body);
    }

    @Test
    void inputStreamThenReaderIsIllegal() {
        String body = run(scenario, post("/stream-then-reader", "text/plain", "payload", StandardCharsets.UTF_8));
        assertTrue(body.startsWith("payload finished=true ISE:getInputStream() has already been called"), body);
    }

    @Test
    void bodyReadAsStreamIsNotParsedAsForm() {
        String body = run(scenario, post("/stream-then-params?q=1", "application/x-www-form-urlencoded", "a=1",
                StandardCharsets.UTF_8));
        assertEquals("a=1 a=null q=1", body);
    }

    @Test
    void afterParametersTheStreamIsAtItsEnd() {
        String body = run(scenario, post("/params-then-stream", "application/x-www-form-urlencoded", "a=1",
                StandardCharsets.UTF_8));
        assertEquals("a=1 left=-1", body);
    }

    @Test
    void largeBodyStreamsThrough() {
        byte[] big = new byte[1_000_000];
        Arrays.fill(big, (byte) 'z');
        assertEquals("1000000", run(scenario, post("POST", "/read-body", "application/octet-stream", big)));
    }

    @Test
    void formOverTheLimitIs413() {
        byte[] big = new byte[2 * 1024 * 1024 + 1];
        Arrays.fill(big, (byte) 'a');
        TestExchange exchange = post("POST", "/f", "application/x-www-form-urlencoded", big);
        long exceptionsBefore = echo.exceptionCount();
        echo.handle(exchange);
        assertEquals(413, exchange.channel.status);
        assertTrue(exchange.channel.finished);
        assertEquals(exceptionsBefore, echo.exceptionCount(), "a client error is not a servlet failure");
    }

    @Test
    void tooManyParametersIs400() {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < 10_001; i++) {
            form.append("p").append(i).append("=&");
        }
        TestExchange exchange = post("/f", "application/x-www-form-urlencoded", form.toString(), StandardCharsets.UTF_8);
        echo.handle(exchange);
        assertEquals(400, exchange.channel.status);
    }

    @Test
    void frontendGoneDuringTheBodyAbortsQuietly() {
        UwsgiVars vars = UwsgiVars.builder()
                .add("REQUEST_METHOD", "POST").add("REQUEST_URI", "/read-body")
                .add("CONTENT_TYPE", "text/plain").add("CONTENT_LENGTH", "100").build();
        TestExchange exchange = new TestExchange(vars, TestExchange.brokenBody());
        long exceptionsBefore = scenario.exceptionCount();
        scenario.handle(exchange);
        assertNotNull(exchange.channel.aborted);
        assertEquals(exceptionsBefore, scenario.exceptionCount());

        // the same when the body is read for form parameters
        UwsgiVars form = UwsgiVars.builder()
                .add("REQUEST_METHOD", "POST").add("REQUEST_URI", "/f")
                .add("CONTENT_TYPE", "application/x-www-form-urlencoded").add("CONTENT_LENGTH", "100").build();
        TestExchange formExchange = new TestExchange(form, TestExchange.brokenBody());
        echo.handle(formExchange);
        assertNotNull(formExchange.channel.aborted);
    }

    @Test
    void readListenerNeedsAsync() {
        String body = run(scenario, post("/read-listener", "text/plain", "x", StandardCharsets.UTF_8));
        assertEquals("ISE:setReadListener(): non-blocking I/O needs an async request; call startAsync() first", body);
    }
}
