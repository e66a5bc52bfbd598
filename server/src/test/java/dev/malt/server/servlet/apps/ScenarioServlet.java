package dev.malt.server.servlet.apps;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** One response behaviour per path: {@code /overflow}, {@code /sendError}, ... */
public class ScenarioServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        String scenario = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
        switch (scenario) {
            case "buffered" -> resp.getOutputStream().write(bytes("hello"));
            case "empty" -> { }
            case "overflow" -> {
                resp.setBufferSize(16);
                resp.getOutputStream().write(bytes("0123456789"));
                resp.getOutputStream().write(bytes("0123456789")); // 20 > 16: commits
                resp.getOutputStream().write(bytes("end"));
            }
            case "big" -> {
                byte[] chunk = new byte[10_000];
                Arrays.fill(chunk, (byte) 'x');
                resp.getOutputStream().write(chunk);
            }
            case "flush" -> {
                PrintWriter out = resp.getWriter();
                out.print("a");
                resp.flushBuffer();
                out.print("committed=" + resp.isCommitted());
            }
            case "declared" -> {
                resp.setContentLength(5);
                ServletOutputStream out = resp.getOutputStream();
                out.write(bytes("hel"));
                resp.setHeader("X-Before", "yes");
                out.write(bytes("lo and more"));
                resp.setHeader("X-After", "ignored");
                out.write(bytes("more"));
            }
            case "declared-short" -> {
                resp.setContentLength(10);
                resp.getOutputStream().write(bytes("abc"));
            }
            case "declared-short-committed" -> {
                resp.setContentLength(10);
                resp.getOutputStream().write(bytes("abc"));
                resp.flushBuffer();
            }
            case "sendError" -> {
                resp.setHeader("X-Kept", "1");
                resp.getWriter().print("discarded");
                resp.sendError(404, "No <such> page & more");
                resp.getWriter().print("ignored");
                resp.setHeader("X-Late", "1");
            }
            case "sendError-committed" -> {
                resp.getWriter().print("x");
                resp.flushBuffer();
                try {
                    resp.sendError(500);
                } catch (IllegalStateException e) {
                    resp.getWriter().print(" ISE:" + e.getMessage());
                }
            }
            case "redirect-relative" -> resp.sendRedirect("next/../other?x=1");
            case "redirect-root" -> resp.sendRedirect("/login");
            case "redirect-network" -> resp.sendRedirect("//cdn.example.net/a");
            case "redirect-absolute" -> resp.sendRedirect("https://example.com/x");
            case "redirect-303" -> resp.sendRedirect("/done", 303, true);
            case "redirect-keep" -> {
                resp.getWriter().print("kept body");
                resp.sendRedirect("/k", 307, false);
            }
            case "cookies" -> {
                Cookie session = new Cookie("sid", "abc123");
                session.setPath("/shop");
                session.setDomain("example.org");
                session.setMaxAge(3600);
                session.setSecure(true);
                session.setHttpOnly(true);
                session.setAttribute("SameSite", "Lax");
                resp.addCookie(session);
                Cookie gone = new Cookie("old", "");
                gone.setMaxAge(0);
                resp.addCookie(gone);
                resp.addCookie(new Cookie("plain", "v"));
            }
            case "bad-cookie" -> {
                try {
                    resp.addCookie(new Cookie("c", "a;b"));
                } catch (IllegalArgumentException e) {
                    resp.getWriter().print("IAE:" + e.getMessage());
                }
            }
            case "throw" -> throw new IllegalStateException("boom");
            case "unavailable" -> throw new jakarta.servlet.UnavailableException("down for maintenance", 30);
            case "throw-servlet-exception" -> throw new ServletException("wrapped", new RuntimeException("root"));
            case "throw-after-commit" -> {
                resp.getWriter().print("partial");
                resp.flushBuffer();
                throw new IllegalStateException("late boom");
            }
            case "throw-after-headers" -> {
                resp.setHeader("X-Half", "done");
                resp.getWriter().print("half");
                throw new IllegalStateException("early boom");
            }
            case "reset" -> {
                resp.setStatus(201);
                resp.setHeader("X-Gone", "1");
                resp.getWriter().print("before");
                resp.reset();
                resp.getOutputStream().write(bytes("after"));
            }
            case "resetBuffer" -> {
                resp.setHeader("X-Stays", "1");
                resp.getWriter().print("before");
                resp.resetBuffer();
                resp.getWriter().print("after");
            }
            case "reset-committed" -> {
                resp.getWriter().print("x");
                resp.flushBuffer();
                try {
                    resp.reset();
                } catch (IllegalStateException e) {
                    resp.getWriter().print(" reset:ISE");
                }
                try {
                    resp.resetBuffer();
                } catch (IllegalStateException e) {
                    resp.getWriter().print(" resetBuffer:ISE");
                }
            }
            case "bufferSize-late" -> {
                resp.getWriter().print("x");
                try {
                    resp.setBufferSize(100);
                } catch (IllegalStateException e) {
                    resp.getWriter().print(" ISE");
                }
            }
            case "writer-then-stream" -> {
                PrintWriter writer = resp.getWriter();
                try {
                    resp.getOutputStream();
                } catch (IllegalStateException e) {
                    writer.print("ISE:" + e.getMessage());
                }
            }
            case "stream-then-writer" -> {
                ServletOutputStream out = resp.getOutputStream();
                try {
                    resp.getWriter();
                } catch (IllegalStateException e) {
                    out.write(bytes("ISE:" + e.getMessage()));
                }
            }
            case "reader-then-stream" -> {
                BufferedReader reader = req.getReader();
                String line = reader.readLine();
                try {
                    req.getInputStream();
                    resp.getWriter().print("no exception");
                } catch (IllegalStateException e) {
                    resp.getWriter().print(line + " ISE:" + e.getMessage());
                }
            }
            case "stream-then-reader" -> {
                InputStream in = req.getInputStream();
                byte[] body = in.readAllBytes();
                boolean finished = req.getInputStream().isFinished();
                try {
                    req.getReader();
                    resp.getWriter().print("no exception");
                } catch (IllegalStateException e) {
                    resp.getWriter().print(new String(body, StandardCharsets.UTF_8) + " finished=" + finished
                            + " ISE:" + e.getMessage());
                }
            }
            case "stream-then-params" -> {
                byte[] body = req.getInputStream().readAllBytes();
                resp.getWriter().print(new String(body, StandardCharsets.UTF_8) + " a=" + req.getParameter("a")
                        + " q=" + req.getParameter("q"));
            }
            case "params-then-stream" -> {
                String a = req.getParameter("a");
                int left = req.getInputStream().read();
                resp.getWriter().print("a=" + a + " left=" + left);
            }
            case "set-encoding" -> {
                req.setCharacterEncoding("ISO-8859-1");
                resp.setCharacterEncoding("UTF-8");
                resp.getWriter().print("v=" + req.getParameter("v") + " enc=" + req.getCharacterEncoding());
            }
            case "read-body" -> {
                byte[] body = req.getInputStream().readAllBytes();
                resp.getWriter().print(body.length);
            }
            case "latin1-writer" -> {
                resp.setContentType("text/html");
                resp.getWriter().print("caf\u00e9 \u20ac");
            }
            case "utf8-writer" -> {
                resp.setCharacterEncoding("UTF-8");
                resp.setContentType("text/plain");
                PrintWriter writer = resp.getWriter();
                writer.print("caf\u00e9 \u20ac ");
                writer.print("\ud83d");      // an emoji split across two writes
                writer.print("\ude00");
                resp.setCharacterEncoding("ISO-8859-1"); // too late: ignored
            }
            case "content-type-charset" -> {
                resp.setContentType("application/json;charset=utf-8");
                resp.getOutputStream().write(bytes("{}"));
            }
            case "headers" -> {
                resp.setHeader("X-One", "1");
                resp.addHeader("X-Multi", "a");
                resp.addHeader("X-Multi", "b");
                resp.setIntHeader("X-Int", 42);
                resp.setDateHeader("Last-Modified", 784111777000L);
                resp.setHeader("Transfer-Encoding", "chunked");
                resp.setHeader("Connection", "close");
                resp.setHeader("X-Injected", "a\r\nSet-Cookie: evil=1");
                resp.setHeader("X-Removed", "x");
                resp.setHeader("X-Removed", null);
                resp.setHeader("Content-Type", "text/csv");
                resp.setHeader("Content-Length", "2");
                resp.setLocale(Locale.forLanguageTag("de-CH"));
                PrintWriter out = resp.getWriter();
                resp.setHeader("X-Seen", "contains=" + resp.containsHeader("x-one") + ","
                        + resp.containsHeader("X-Removed") + " multi=" + resp.getHeaders("X-Multi")
                        + " ct=" + resp.getContentType() + " cl=" + resp.getHeader("Content-Length")
                        + " names=" + resp.getHeaderNames());
                out.print("content");
            }
            case "status204" -> {
                resp.setStatus(204);
                resp.getOutputStream().write(bytes("not sent"));
            }
            case "status304" -> {
                resp.setStatus(304);
            }
            case "session" -> {
                PrintWriter out = resp.getWriter();
                out.print("false->" + req.getSession(false));
                jakarta.servlet.http.HttpSession session = req.getSession(true);
                out.print(" true->new=" + session.isNew() + " same=" + (session == req.getSession(false)));
            }
            case "async" -> {
                jakarta.servlet.AsyncContext async = req.startAsync();
                async.start(() -> {
                    try {
                        async.getResponse().getWriter().print("async done on another thread");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    async.complete();
                });
            }
            case "read-listener" -> {
                try {
                    req.getInputStream().setReadListener(new jakarta.servlet.ReadListener() {
                        @Override
                        public void onDataAvailable() {
                        }

                        @Override
                        public void onAllDataRead() {
                        }

                        @Override
                        public void onError(Throwable t) {
                        }
                    });
                } catch (IllegalStateException e) {
                    resp.getWriter().print("ISE:" + e.getMessage());
                }
            }
            case "dispatcher" -> req.getRequestDispatcher("/text").forward(req, resp);
            case "request-trailers" -> {
                byte[] body = req.getInputStream().readAllBytes();
                resp.getWriter().print(new String(body, StandardCharsets.UTF_8) + " ready=" + req.isTrailerFieldsReady()
                        + " " + new java.util.TreeMap<>(req.getTrailerFields()));
            }
            case "trailers" -> {
                try {
                    resp.setTrailerFields(() -> java.util.Map.of("X-Checksum", "abc"));
                    resp.getWriter().print("body with trailers");
                } catch (IllegalStateException e) {
                    resp.getWriter().print("ISE");
                }
            }
            case "date-header" -> {
                resp.getWriter().print("date=" + req.getDateHeader("If-Modified-Since")
                        + " int=" + req.getIntHeader("X-Count") + " none=" + req.getIntHeader("X-None"));
            }
            case "close-stream" -> {
                resp.getOutputStream().write(bytes("closed"));
                resp.getOutputStream().close();
                resp.getOutputStream().write(bytes(" more"));
            }
            default -> resp.sendError(404, "no scenario " + scenario);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
