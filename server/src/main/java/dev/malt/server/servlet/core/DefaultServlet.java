package dev.malt.server.servlet.core;

import dev.malt.server.files.FileRequest;
import dev.malt.server.servlet.internal.MaltHttpResponse;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The container's default servlet: the app's static files (spec 10.5), with MIME types,
 * {@code Last-Modified}/{@code ETag} and their conditional requests, single byte ranges, and the
 * trailing-slash redirect for directories. It never lists a directory, and serves WEB-INF or META-INF
 * only to a forward, include or error page. When the response is the container's own (not wrapped by a
 * filter), the file goes out through the transport's zero-copy path; otherwise it is copied through the
 * app's stream.
 */
public final class DefaultServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final int COPY_BUFFER = 16 * 1024;

    private final transient WebApp app;

    public DefaultServlet(WebApp app) {
        this.app = app;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        DispatcherType type = req.getDispatcherType();
        String method = req.getMethod();
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (!get && type != DispatcherType.ERROR && type != DispatcherType.INCLUDE) {
            if (method.equals("OPTIONS")) {
                resp.setHeader("Allow", "GET, HEAD, OPTIONS");
                return;
            }
            resp.setHeader("Allow", "GET, HEAD, OPTIONS");
            resp.sendError(405);
            return;
        }
        boolean include = type == DispatcherType.INCLUDE;
        String path = path(req, include);
        // WEB-INF and META-INF: hidden from clients, yet dispatchers may expose their files (spec 10.5)
        boolean hidden = type == DispatcherType.REQUEST && WebResources.isProtected(path);
        Path file = hidden ? null : app.resources().file(path);
        if (file == null) {
            notFound(resp, include, path);
            return;
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.isDirectory()) {
            if (!path.endsWith("/") && !include) {
                String query = req.getQueryString();
                resp.sendRedirect(resp.encodeRedirectURL(req.getRequestURI() + "/" + (query == null ? "" : "?" + query)));
                return;
            }
            notFound(resp, include, path);
            return;
        }
        long length = attributes.size();
        long lastModified = attributes.lastModifiedTime().toMillis();
        if (include) {
            copy(file, 0, length, resp);
            return;
        }
        boolean error = type == DispatcherType.ERROR;
        // an error page shows the file as it is: no conditions, no ranges, no validators of its own
        FileRequest.Answer answer = error ? new FileRequest.Answer(FileRequest.Outcome.FULL, 0, length, length)
                : FileRequest.evaluate(req::getHeader, length, lastModified);
        String etag = FileRequest.etag(length, lastModified);
        switch (answer.outcome()) {
            case PRECONDITION_FAILED -> {
                resp.sendError(412);
                return;
            }
            case NOT_MODIFIED -> {
                resp.setStatus(304);
                resp.setHeader("ETag", etag);
                resp.setDateHeader("Last-Modified", lastModified);
                return;
            }
            case RANGE_NOT_SATISFIABLE -> {
                resp.setHeader("Content-Range", answer.contentRange());
                resp.sendError(416);
                return;
            }
            default -> {
            }
        }
        String contentType = app.context().getMimeType(file.getFileName().toString());
        if (contentType != null && resp.getContentType() == null) {
            resp.setContentType(contentType);
        }
        if (!error) {
            resp.setHeader("ETag", etag);
            resp.setDateHeader("Last-Modified", lastModified);
            resp.setHeader("Accept-Ranges", "bytes");
        }
        if (answer.outcome() == FileRequest.Outcome.PARTIAL) {
            resp.setStatus(206);
            resp.setHeader("Content-Range", answer.contentRange());
        }
        long start = answer.start();
        long count = answer.count();
        MaltHttpResponse base = resp instanceof MaltHttpResponse own ? own : null;
        boolean untouched = base != null && !base.isUsingWriter() && base.output().written() == 0
                && !base.isCommitted();
        if (untouched) {
            base.output().sendFile(file, start, count);
            return;
        }
        // a filter wrote first, or wraps the response: the file is only part of the body, of a length unknown here
        copy(file, start, count, resp);
    }

    private static String path(HttpServletRequest req, boolean include) {
        String servletPath;
        String pathInfo;
        if (include) {
            servletPath = (String) req.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH);
            pathInfo = (String) req.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
            if (servletPath == null && pathInfo == null) {
                servletPath = req.getServletPath();
                pathInfo = req.getPathInfo();
            }
        } else {
            servletPath = req.getServletPath();
            pathInfo = req.getPathInfo();
        }
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }

    private static void notFound(HttpServletResponse resp, boolean include, String path) throws IOException {
        if (include) {
            throw new FileNotFoundException(path);
        }
        resp.sendError(404);
    }

    private static void copy(Path file, long start, long count, HttpServletResponse resp) throws IOException {
        ServletOutputStream out;
        try {
            out = resp.getOutputStream();
        } catch (IllegalStateException usingWriter) {
            copyAsText(file, resp.getWriter());
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(start);
            byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, count))];
            long left = count;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    /** The app took the writer (a JSP including a static file): decode the file as UTF-8 into it. */
    private static void copyAsText(Path file, PrintWriter writer) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            reader.transferTo(writer);
        }
    }
}
