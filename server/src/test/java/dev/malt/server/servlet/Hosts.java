package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.EchoServlet;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Starts hosts over the test-classes directory, as an operator's {@code classpath = classes/} would. */
final class Hosts {

    private Hosts() {
    }

    /** The directory the test servlets were compiled into. */
    static Path testClasses() {
        try {
            return Path.of(EchoServlet.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ServletAppSpec spec(Class<?> servlet, String contextPath, Map<String, String> initParams) {
        return new ServletAppSpec("test", servlet.getName(), List.of(testClasses().toString()),
                testClasses(), contextPath, initParams);
    }

    static ServletHost start(Class<?> servlet, String contextPath) {
        return start(spec(servlet, contextPath, Map.of()));
    }

    static ServletHost start(ServletAppSpec spec) {
        try {
            return ServletHost.start(spec);
        } catch (AppLoadException e) {
            throw new AssertionError("app did not start: " + e.getMessage(), e);
        }
    }

    /** Runs the exchange and parses EchoServlet's {@code key=value} lines. */
    static Map<String, String> echo(ServletHost host, TestExchange exchange) {
        host.handle(exchange);
        if (exchange.channel.status != 200) {
            throw new AssertionError("status " + exchange.channel.status + ": " + exchange.channel.bodyText());
        }
        return lines(exchange.channel.bodyText());
    }

    static Map<String, String> lines(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                map.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return map;
    }
}
