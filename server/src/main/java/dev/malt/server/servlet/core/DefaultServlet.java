package dev.malt.server.servlet.core;

import dev.malt.server.servlet.internal.HttpDates;
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
        String etag = "W/\"" + length + "-" + lastModified + "\"";
        if (include) {
            copy(file, 0, length, resp);
            return;
        }
        if (type != DispatcherType.ERROR && !checkConditions(req, resp, etag, lastModified)) {
            return;
        }
        String contentType = app.context().getMimeType(file.getFileName().toString());
        if (contentType != null && resp.getContentType() == null) {
            resp.setContentType(contentType);
        }
        if (type != DispatcherType.ERROR) {
            resp.setHeader("ETag", etag);
            resp.setDateHeader("Last-Modified", lastModified);
            resp.setHeader("Accept-Ranges", "bytes");
        }
        long start = 0;
        long count = length;
        String range = req.getHeader("Range");
        if (range != null && type != DispatcherType.ERROR && ifRangeAllows(req, etag, lastModified)) {
            long[] r = ByteRange.parse(range, length);
            if (r == ByteRange.UNSATISFIABLE) {
                resp.setHeader("Content-Range", "bytes */" + length);
                resp.sendError(416);
                return;
            }
            if (r != null) {
                start = r[0];
                count = r[1] - r[0] + 1;
                resp.setStatus(206);
                resp.setHeader("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + length);
            }
        }
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

    /** RFC 9110 section 13.2.2 order; false when the response (304 or 412) has been set. */
    private static boolean checkConditions(HttpServletRequest req, HttpServletResponse resp, String etag,
                                           long lastModified) throws IOException {
        String ifMatch = req.getHeader("If-Match");
        if (ifMatch != null && !ifMatch.trim().equals("*") && !etagListMatches(ifMatch, etag, true)) {
            resp.sendError(412);
            return false;
        }
        if (ifMatch == null) {
            long ifUnmodified = date(req.getHeader("If-Unmodified-Since"));
            if (ifUnmodified >= 0 && lastModified / 1000 > ifUnmodified / 1000) {
                resp.sendError(412);
                return false;
            }
        }
        String ifNoneMatch = req.getHeader("If-None-Match");
        if (ifNoneMatch != null) {
            if (ifNoneMatch.trim().equals("*") || etagListMatches(ifNoneMatch, etag, false)) {
                notModified(resp, etag, lastModified);
                return false;
            }
            return true;
        }
        long ifModified = date(req.getHeader("If-Modified-Since"));
        if (ifModified >= 0 && lastModified / 1000 <= ifModified / 1000) {
            notModified(resp, etag, lastModified);
            return false;
        }
        return true;
    }

    private static void notModified(HttpServletResponse resp, String etag, long lastModified) {
        resp.setStatus(304);
        resp.setHeader("ETag", etag);
        resp.setDateHeader("Last-Modified", lastModified);
    }

    private static boolean ifRangeAllows(HttpServletRequest req, String etag, long lastModified) {
        String ifRange = req.getHeader("If-Range");
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return !value.startsWith("W/") && value.equals(etag.substring(2)); // weak tags never match (strong comparison)
        }
        long date = date(value);
        return date >= 0 && lastModified / 1000 == date / 1000;
    }

    private static boolean etagListMatches(String header, String etag, boolean strong) {
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (strong) {
                if (!c.startsWith("W/") && !etag.startsWith("W/") && c.equals(etag)) {
                    return true;
                }
            } else if ((c.startsWith("W/") ? c.substring(2) : c).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static long date(String value) {
        return value == null ? -1 : HttpDates.parse(value);
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
