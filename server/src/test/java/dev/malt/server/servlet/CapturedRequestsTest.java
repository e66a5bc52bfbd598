package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.apps.EchoServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Every request captured from real nginx 1.22.1 and Apache 2.4 mod_proxy_uwsgi (the shared fixture),
 * through a real servlet: each maps without error, and the interesting ones map as expected.
 */
class CapturedRequestsTest {

    /** The real nginx/Apache packets; they come with malt-protocol's test jar. */
    private static final String FIXTURE = "/uwsgi/captured-requests.jsonl";

    private static ServletHost host;

    @BeforeAll
    static void start() {
        host = Hosts.start(EchoServlet.class, "");
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    void everyCapturedRequestMaps() throws IOException {
        java.io.InputStream in = CapturedRequestsTest.class.getResourceAsStream(FIXTURE);
        assertNotNull(in, FIXTURE + " is missing from the test classpath (malt-protocol's test jar); build with mvn verify");
        List<String> lines;
        try (in) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        Map<Integer, Map<String, String>> results = new HashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Capture capture = Capture.parse(line);
            UwsgiVars.Builder vars = UwsgiVars.builder();
            for (String[] pair : capture.vars) {
                vars.add(pair[0], pair[1]);
            }
            TestExchange exchange = new TestExchange(vars.build(), capture.body.getBytes(StandardCharsets.ISO_8859_1));
            results.put(capture.id, Hosts.echo(host, exchange));
        }
        assertEquals(12, results.size());
        assertEquals("/app/path x/", results.get(1).get("pathInfo"));
        assertEquals("bar|baz", results.get(1).get("header:X-Foo"));
        assertEquals("a=1; b=2", results.get(1).get("header:Cookie"));
        assertEquals("world", results.get(2).get("param:hello"));
        assertEquals("11", results.get(2).get("header:Content-Length"));
        assertEquals("", results.get(3).get("param:chunkybody"), "a name without '=' is a parameter with value \"\"");
        assertEquals("/app/post", results.get(9).get("pathInfo"));
        assertEquals("world", results.get(9).get("param:hello"));
        assertEquals("18081", results.get(9).get("serverPort"));
        assertEquals("/mod/x", results.get(10).get("pathInfo"));
        assertEquals("\ufffd\ufffd", results.get(11).get("param:q"), "invalid UTF-8 in a query: replaced, not fatal");
        assertEquals("\u00ff\u00fe", results.get(11).get("header:X-Bin"));
        assertEquals("", results.get(12).get("header:X-Empty"));
    }

    /** One fixture line: {"id": n, ..., "vars": [["K", "V"], ...], "body_latin1": "..."}. */
    private record Capture(int id, List<String[]> vars, String body) {

        static Capture parse(String line) {
            int id = Integer.parseInt(line.replaceAll("^\\{\"id\": (\\d+),.*$", "$1"));
            int varsStart = line.indexOf("\"vars\": [") + "\"vars\": [".length();
            List<String[]> vars = new ArrayList<>();
            int[] position = {varsStart};
            while (line.charAt(skipSpaces(line, position)) == '[') {
                position[0]++;
                String key = string(line, position);
                position[0] = line.indexOf(',', position[0]) + 1;
                String value = string(line, position);
                position[0] = line.indexOf(']', position[0]) + 1;
                vars.add(new String[] {key, value});
                if (line.charAt(skipSpaces(line, position)) == ',') {
                    position[0]++;
                }
            }
            position[0] = line.indexOf("\"body_latin1\": ") + "\"body_latin1\": ".length();
            return new Capture(id, vars, string(line, position));
        }

        private static int skipSpaces(String line, int[] position) {
            while (line.charAt(position[0]) == ' ') {
                position[0]++;
            }
            return position[0];
        }

        /** A JSON string literal starting at (or after spaces from) position; moves position past it. */
        private static String string(String line, int[] position) {
            int i = line.indexOf('"', position[0]) + 1;
            StringBuilder out = new StringBuilder();
            while (line.charAt(i) != '"') {
                char c = line.charAt(i++);
                if (c == '\\') {
                    char e = line.charAt(i++);
                    switch (e) {
                        case 'u' -> {
                            out.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
                            i += 4;
                        }
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
            position[0] = i + 1;
            return out.toString();
        }
    }
}
