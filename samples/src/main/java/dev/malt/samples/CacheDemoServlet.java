package dev.malt.samples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pages for trying a response cache: each one tells how it may be cached, and each time the app really runs
 * (a <em>generation</em>) it appends a line to the file named by the init parameter {@code counter-file}, which
 * every worker of the app shares. A page's body and its {@code X-Generation} header name its generation, so two
 * responses with the same generation came from one run of the app.
 *
 * <pre>
 * /page[/anything][?sleep=MS]        a plain page (slow with sleep)
 * /stream?size=N&amp;pieces=K&amp;delay=MS  N bytes in K flushed pieces, MS apart, without Content-Length
 * /cookie                            sets a cookie (never to be cached)
 * /private                           Cache-Control: private
 * /session                           creates an HTTP session (a JSESSIONID cookie)
 * /whoami                            echoes the Authorization and Cookie headers
 * /lang                              hello in the request's Accept-Language (en, fr, de), Vary: Accept-Language
 * /public?max-age=N[&amp;cookie][&amp;lang] Cache-Control: public, max-age=N and an ETag; with cookie a Set-Cookie
 *                                    too, with lang Vary: Accept-Language and hello or bonjour
 * </pre>
 * The counter file's lines are {@code PID SEQUENCE URI}.
 */
public class CacheDemoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final AtomicLong SEQUENCE = new AtomicLong();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() != null ? request.getPathInfo() : request.getServletPath();
        String uri = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        String generation = countGeneration(uri);
        response.setHeader("X-Generation", generation);
        response.setContentType("text/plain;charset=UTF-8");
        String first = path.indexOf('/', 1) < 0 ? path : path.substring(0, path.indexOf('/', 1));
        switch (first) {
            case "/page" -> {
                sleep(request.getParameter("sleep"));
                response.setHeader("ETag", "\"" + generation + "\"");
                text(response, "page " + uri + " generation " + generation + "\n");
            }
            case "/stream" -> stream(request, response, generation);
            case "/cookie" -> {
                response.addHeader("Set-Cookie", "visitor=" + generation + "; Path=/");
                text(response, "cookie for visitor " + generation + "\n");
            }
            case "/private" -> {
                response.setHeader("Cache-Control", "private");
                text(response, "private page generation " + generation + "\n");
            }
            case "/session" -> {
                String id = request.getSession(true).getId();
                text(response, "session " + id + " generation " + generation + "\n");
            }
            case "/whoami" -> text(response, "authorization=" + request.getHeader("Authorization") + " cookie="
                    + request.getHeader("Cookie") + " generation " + generation + "\n");
            case "/lang" -> {
                response.setHeader("Vary", "Accept-Language");
                String language = request.getLocale().getLanguage().toLowerCase(Locale.ROOT);
                String hello = switch (language) {
                    case "fr" -> "bonjour";
                    case "de" -> "hallo";
                    default -> "hello";
                };
                response.setHeader("Content-Language", language.isEmpty() ? "en" : language);
                text(response, hello + " generation " + generation + "\n");
            }
            case "/public" -> {
                String maxAge = request.getParameter("max-age");
                response.setHeader("Cache-Control", "public, max-age=" + (maxAge == null ? "60" : maxAge));
                response.setHeader("ETag", "\"" + generation + "\"");
                if (request.getParameter("cookie") != null) {
                    response.addHeader("Set-Cookie", "visitor=" + generation + "; Path=/");
                }
                String hello = "";
                if (request.getParameter("lang") != null) {
                    response.setHeader("Vary", "Accept-Language");
                    hello = request.getLocale().getLanguage().equals("fr") ? "bonjour " : "hello ";
                }
                text(response, hello + "public page generation " + generation + "\n");
            }
            default -> {
                response.setStatus(404);
                text(response, "CacheDemoServlet: no page " + path + "\n");
            }
        }
    }

    /** Appends one line per run of the app; O_APPEND keeps lines of concurrent workers whole. */
    private String countGeneration(String uri) throws IOException {
        String generation = ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        String file = getInitParameter("counter-file");
        if (file != null) {
            Files.write(Path.of(file), (generation.replace('-', ' ') + " " + uri + "\n")
                    .getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        }
        return generation;
    }

    private static void stream(HttpServletRequest request, HttpServletResponse response, String generation)
            throws IOException {
        int size = intParameter(request, "size", 100_000);
        int pieces = Math.max(1, intParameter(request, "pieces", 10));
        int delay = intParameter(request, "delay", 100);
        OutputStream out = response.getOutputStream();
        byte[] piece = new byte[Math.max(1, size / pieces)];
        java.util.Arrays.fill(piece, (byte) 'x');
        int sent = 0;
        for (int i = 0; i < pieces && sent < size; i++) {
            int n = Math.min(piece.length, size - sent);
            out.write(piece, 0, n);
            out.flush();
            sent += n;
            sleepMillis(delay);
        }
        if (sent < size) {
            byte[] rest = new byte[size - sent];
            java.util.Arrays.fill(rest, (byte) 'x');
            out.write(rest);
        }
    }

    private static void text(HttpServletResponse response, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static int intParameter(HttpServletRequest request, String name, int fallback) {
        String value = request.getParameter(name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static void sleep(String millis) {
        if (millis != null) {
            try {
                sleepMillis(Integer.parseInt(millis));
            } catch (NumberFormatException e) {
                // not a number: no sleep
            }
        }
    }

    private static void sleepMillis(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
