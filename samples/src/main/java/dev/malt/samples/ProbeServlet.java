package dev.malt.samples;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A servlet to poke at: it shows what the container made of a request, and produces the responses the
 * end-to-end tests need. It routes on the first segment of the path info (the servlet path when the
 * servlet is mapped without a wildcard); every method is accepted.
 *
 * <pre>
 * /inspect[/anything]   JSON: request line, paths, scheme, addresses, parameters, headers, cookies
 * /echo                 the request body, byte for byte, with the request's content type
 * /fail                 throws a RuntimeException (the container should answer 500)
 * /sleep?ms=N           sleeps N ms, then 200
 * /bytes?n=N[&amp;stream]  N bytes (byte i is i % 251); with "stream": no Content-Length, flushed in 8 KiB pieces
 * /status?code=N        answers with status N
 * /redirect?to=URL      sendRedirect(URL)
 * /pid                  the process id of the JVM that ran the request
 * anything else         this list
 * </pre>
 */
public class ProbeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Message of the exception thrown by {@code /fail}; tests look for it in the server log. */
    public static final String FAILURE_MESSAGE = "ProbeServlet: deliberate failure at /fail";

    private static final String ROUTES = String.join("\n",
            "ProbeServlet routes:",
            "  /inspect[/anything]  JSON description of the request",
            "  /echo                the request body, echoed with its content type",
            "  /fail                throws a RuntimeException (expect 500)",
            "  /sleep?ms=N          sleeps N ms, then 200",
            "  /bytes?n=N[&stream]  N bytes of body (byte i = i % 251); 'stream': no Content-Length",
            "  /status?code=N       answers with status N",
            "  /redirect?to=URL     redirects to URL",
            "  /pid                 process id of the JVM serving the request",
            "");

    private static final int PIECE = 8192;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() != null ? request.getPathInfo() : request.getServletPath();
        try {
            switch (firstSegment(path)) {
                case "/inspect" -> inspect(request, response);
                case "/echo" -> echo(request, response);
                case "/fail" -> throw new RuntimeException(FAILURE_MESSAGE);
                case "/sleep" -> sleep(request, response);
                case "/bytes" -> bytes(request, response);
                case "/status" -> status(request, response);
                case "/redirect" -> response.sendRedirect(required(request, "to"));
                case "/pid" -> text(response, 200, ProcessHandle.current().pid() + "\n");
                default -> text(response, 200, ROUTES);
            }
        } catch (BadParameterException e) {
            text(response, 400, e.getMessage() + "\n");
        }
    }

    private static String firstSegment(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        int next = path.indexOf('/', 1);
        return next < 0 ? path : path.substring(0, next);
    }

    private static void inspect(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", request.getMethod());
        out.put("requestURI", request.getRequestURI());
        out.put("queryString", request.getQueryString());
        out.put("contextPath", request.getContextPath());
        out.put("servletPath", request.getServletPath());
        out.put("pathInfo", request.getPathInfo());
        out.put("scheme", request.getScheme());
        out.put("secure", request.isSecure());
        out.put("serverName", request.getServerName());
        out.put("serverPort", request.getServerPort());
        out.put("remoteAddr", request.getRemoteAddr());
        out.put("remotePort", request.getRemotePort());
        out.put("protocol", request.getProtocol());
        out.put("characterEncoding", request.getCharacterEncoding());
        out.put("contentType", request.getContentType());
        out.put("contentLength", request.getContentLengthLong());

        Map<String, Object> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> entry : request.getParameterMap().entrySet()) {
            parameters.put(entry.getKey(), Arrays.asList(entry.getValue()));
        }
        out.put("parameters", parameters);

        Map<String, Object> headers = new LinkedHashMap<>();
        for (String name : list(request.getHeaderNames())) {
            headers.put(name, list(request.getHeaders(name)));
        }
        out.put("headers", headers);

        List<Object> cookies = new ArrayList<>();
        Cookie[] jar = request.getCookies();
        if (jar != null) {
            for (Cookie cookie : jar) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", cookie.getName());
                c.put("value", cookie.getValue());
                cookies.add(c);
            }
        }
        out.put("cookies", cookies);

        byte[] body = (Json.write(out) + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * Reads the whole body before answering: Apache's mod_proxy_uwsgi sends the entire request body
     * before it reads any of the response, so a servlet that answered while still reading could stall.
     */
    private static void echo(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readAllBytes();
        }
        response.setStatus(200);
        String contentType = request.getContentType();
        response.setContentType(contentType != null ? contentType : "application/octet-stream");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static void sleep(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long ms = number(request, "ms", 0, 0, 600_000);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            text(response, 503, "interrupted\n");
            return;
        }
        text(response, 200, "slept " + ms + " ms\n");
    }

    private static void bytes(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long n = number(request, "n", 0, 0, 1L << 34);
        boolean stream = request.getParameter("stream") != null;
        response.setStatus(200);
        response.setContentType("application/octet-stream");
        if (!stream) {
            response.setContentLengthLong(n);
        }
        byte[] piece = new byte[PIECE];
        OutputStream out = response.getOutputStream();
        long written = 0;
        while (written < n) {
            int size = (int) Math.min(piece.length, n - written);
            for (int i = 0; i < size; i++) {
                piece[i] = (byte) ((written + i) % 251);
            }
            out.write(piece, 0, size);
            written += size;
            if (stream) {
                out.flush();
            }
        }
    }

    private static void status(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int code = (int) number(request, "code", 200, 100, 999);
        if (code == 204 || code == 304 || code < 200) {
            response.setStatus(code);
            return;
        }
        text(response, code, "status " + code + "\n");
    }

    private static void text(HttpServletResponse response, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static String required(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        if (value == null || value.isEmpty()) {
            throw new BadParameterException("ProbeServlet: missing query parameter '" + name + "'");
        }
        return value;
    }

    private static long number(HttpServletRequest request, String name, long fallback, long min, long max) {
        String value = request.getParameter(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadParameterException("ProbeServlet: '" + name + "' must be a number, got '" + value + "'");
        }
        if (n < min || n > max) {
            throw new BadParameterException("ProbeServlet: '" + name + "' must be in " + min + ".." + max);
        }
        return n;
    }

    private static List<String> list(java.util.Enumeration<String> values) {
        return values == null ? List.of() : Collections.list(values);
    }

    /** A query parameter a route needs is missing or malformed: the probe answers 400. */
    private static final class BadParameterException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadParameterException(String message) {
            super(message, null, false, false);
        }
    }
}
