package dev.malt.server.servlet.core;

import dev.malt.server.servlet.internal.MaltHttpRequest;
import dev.malt.server.servlet.internal.MaltHttpResponse;
import dev.malt.server.servlet.internal.MaltRequestDispatcher;
import dev.malt.server.servlet.internal.MaltServletMapping;
import dev.malt.server.servlet.internal.RequestRejectedException;
import dev.malt.server.servlet.internal.ServletMessages;
import dev.malt.server.servlet.internal.UriPaths;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every dispatch of a context in one place (Servlet spec chapter 9): the first REQUEST dispatch,
 * forward, include, named dispatch, ERROR and ASYNC. A dispatch points the one container request at
 * its target (paths, mapping, dispatcher type, the dispatcher's query parameters), runs the filter
 * chain for its type, and restores the request afterwards. The spec's request attributes
 * ({@code jakarta.servlet.forward.*}, {@code include.*}, {@code error.*}, {@code async.*}) are set here.
 */
public final class Dispatcher {

    private static final List<String> FORWARD_ATTRIBUTES = List.of(RequestDispatcher.FORWARD_REQUEST_URI,
            RequestDispatcher.FORWARD_CONTEXT_PATH, RequestDispatcher.FORWARD_SERVLET_PATH,
            RequestDispatcher.FORWARD_PATH_INFO, RequestDispatcher.FORWARD_QUERY_STRING,
            RequestDispatcher.FORWARD_MAPPING);
    private static final List<String> INCLUDE_ATTRIBUTES = List.of(RequestDispatcher.INCLUDE_REQUEST_URI,
            RequestDispatcher.INCLUDE_CONTEXT_PATH, RequestDispatcher.INCLUDE_SERVLET_PATH,
            RequestDispatcher.INCLUDE_PATH_INFO, RequestDispatcher.INCLUDE_QUERY_STRING,
            RequestDispatcher.INCLUDE_MAPPING);

    /** Where a dispatcher points: a path (and its mapping) or a named servlet. */
    public record Target(String encodedPath, String decodedPath, String query, ServletMapper.Match match,
                         ServletHolder named) {

        public ServletHolder holder() {
            return named != null ? named : match.holder();
        }
    }

    private final WebApp app;

    Dispatcher(WebApp app) {
        this.app = app;
    }

    // ---- obtaining dispatchers

    /** For a context-relative path that may carry a query; {@code null} when the path is unusable. */
    public RequestDispatcher forPath(String pathAndQuery) {
        Target target = target(pathAndQuery);
        return target == null ? null : new MaltRequestDispatcher(this, target);
    }

    public RequestDispatcher forName(String name) {
        ServletHolder holder = app.servlet(name);
        return holder == null ? null : new MaltRequestDispatcher(this, new Target(null, null, null, null, holder));
    }

    Target target(String pathAndQuery) {
        int mark = pathAndQuery.indexOf('?');
        String path = mark < 0 ? pathAndQuery : pathAndQuery.substring(0, mark);
        String query = mark < 0 ? null : pathAndQuery.substring(mark + 1);
        String raw = path.isEmpty() ? "/" : path;
        String decoded;
        String encoded;
        try {
            decoded = UriPaths.decodeRawPath(wireForm(raw));
            encoded = UriPaths.removeDotSegments(raw); // "/a/../b" is /b in the request URI too
        } catch (RequestRejectedException e) {
            return null;
        }
        return new Target(encoded, decoded, query, app.mapper().map(decoded), null);
    }

    /** An app's path string as wire bytes (one char per byte): non-ASCII characters become their UTF-8 bytes. */
    private static String wireForm(String path) {
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) > 0x7F) {
                return new String(path.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
            }
        }
        return path;
    }

    // ---- forward and include (from the app)

    public void forward(Target target, ServletRequest req, ServletResponse resp) throws ServletException, IOException {
        MaltHttpRequest base = baseRequest(req);
        MaltHttpResponse baseResponse = base.response();
        if (resp.isCommitted()) {
            throw new IllegalStateException(ServletMessages.forwardAfterCommit());
        }
        resp.resetBuffer();
        MaltHttpRequest.DispatchState saved = base.dispatchState();
        Map<String, Object> savedAttributes = saveAttributes(base, FORWARD_ATTRIBUTES);
        ServletHolder holder = target.holder();
        String path;
        if (target.named() != null) {
            base.targetServlet(DispatcherType.FORWARD, holder);
            path = null; // a named dispatch has no path: only servlet-name filter mappings apply
        } else {
            if (base.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI) == null) {
                setPathAttributes(base, FORWARD_ATTRIBUTES, saved.requestUri(), base.getContextPath(),
                        saved.servletPath(), saved.pathInfo(), saved.queryString(), saved.mapping());
            }
            ServletMapper.Match match = target.match();
            base.enter(app);
            base.target(DispatcherType.FORWARD, app.contextPath() + target.encodedPath(), match.servletPath(),
                    match.pathInfo(), target.query() != null ? target.query() : saved.queryString(),
                    mapping(match), holder);
            base.addDispatchQuery(target.query());
            path = target.decodedPath();
        }
        base.enter(app);
        ClassLoader previousLoader = enterLoader(saved);
        try {
            invoke(DispatcherType.FORWARD, base, holder, path, req, resp);
        } finally {
            Thread.currentThread().setContextClassLoader(previousLoader);
            base.restore(saved);
            restoreAttributes(base, savedAttributes);
        }
        if (!base.isAsyncMode() && !baseResponse.isErrorPending()) {
            closeAfterForward(resp, baseResponse); // not while an async dispatch or completion is pending
        }
    }

    public void include(Target target, ServletRequest req, ServletResponse resp) throws ServletException, IOException {
        MaltHttpRequest base = baseRequest(req);
        MaltHttpResponse baseResponse = base.response();
        MaltHttpRequest.DispatchState saved = base.dispatchState();
        Map<String, Object> savedAttributes = saveAttributes(base, INCLUDE_ATTRIBUTES);
        ServletHolder holder = target.holder();
        String path;
        if (target.named() != null) {
            path = null;
        } else {
            ServletMapper.Match match = target.match();
            setPathAttributes(base, INCLUDE_ATTRIBUTES, app.contextPath() + target.encodedPath(),
                    app.contextPath(), match.servletPath(), match.pathInfo(), target.query(), mapping(match));
            base.addDispatchQuery(target.query());
            path = target.decodedPath();
        }
        base.targetServlet(DispatcherType.INCLUDE, holder);
        base.enter(app);
        ClassLoader previousLoader = enterLoader(saved);
        baseResponse.beginInclude();
        try {
            invoke(DispatcherType.INCLUDE, base, holder, path, req, resp);
        } finally {
            Thread.currentThread().setContextClassLoader(previousLoader);
            baseResponse.endInclude();
            base.restore(saved);
            restoreAttributes(base, savedAttributes);
        }
    }

    /** Into another context of this host: its class loader for the dispatch. Returns the loader to restore. */
    private ClassLoader enterLoader(MaltHttpRequest.DispatchState saved) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        if (saved.app() != app) {
            Thread.currentThread().setContextClassLoader(app.classLoader());
        }
        return previous;
    }

    /** Tomcat's way, so a wrapper's own buffer (gzip, say) is flushed too: close the writer or the stream. */
    private static void closeAfterForward(ServletResponse resp, MaltHttpResponse base) throws IOException {
        if (resp == base) {
            base.closeOutput();
            return;
        }
        try {
            resp.getWriter().close();
        } catch (IllegalStateException e) {
            resp.getOutputStream().close();
        }
    }

    // ---- dispatches the container starts

    /** The first dispatch of a request, to what its path maps to. */
    void request(MaltHttpRequest base, ServletMapper.Match match) throws ServletException, IOException {
        base.target(DispatcherType.REQUEST, base.getRequestURI(), match.servletPath(), match.pathInfo(),
                base.getQueryString(), mapping(match), match.holder());
        invoke(DispatcherType.REQUEST, base, match.holder(), base.contextRelativePath(), base, base.response());
    }

    /**
     * Dispatches to an error page (spec 10.9.1) with the error attributes set; the response has been
     * prepared for it. The request's paths are restored afterwards.
     */
    void error(MaltHttpRequest base, ServletRequest req, ServletResponse resp, String location, int status,
               String message, Throwable failure, String servletName) throws ServletException, IOException {
        base.putAttributeQuietly(RequestDispatcher.ERROR_STATUS_CODE, status);
        base.putAttributeQuietly(RequestDispatcher.ERROR_MESSAGE, message == null ? "" : message);
        base.putAttributeQuietly(RequestDispatcher.ERROR_EXCEPTION, failure);
        base.putAttributeQuietly(RequestDispatcher.ERROR_EXCEPTION_TYPE, failure == null ? null : failure.getClass());
        base.putAttributeQuietly(RequestDispatcher.ERROR_REQUEST_URI, base.getRequestURI());
        base.putAttributeQuietly(RequestDispatcher.ERROR_SERVLET_NAME, servletName);
        base.putAttributeQuietly(RequestDispatcher.ERROR_QUERY_STRING, base.getQueryString());
        base.putAttributeQuietly(RequestDispatcher.ERROR_METHOD, base.getMethod());
        Target target = target(location);
        if (target == null) {
            throw new ServletException(ServletMessages.errorPageInvalid(location));
        }
        MaltHttpRequest.DispatchState saved = base.dispatchState();
        ServletMapper.Match match = target.match();
        base.target(DispatcherType.ERROR, base.getContextPath() + target.encodedPath(), match.servletPath(),
                match.pathInfo(), target.query() != null ? target.query() : saved.queryString(), mapping(match),
                match.holder());
        base.addDispatchQuery(target.query());
        try {
            invoke(DispatcherType.ERROR, base, match.holder(), target.decodedPath(), req, resp);
        } finally {
            base.restore(saved);
        }
    }

    /** An async dispatch ({@code AsyncContext.dispatch}); the request stays pointed at the target. */
    void async(MaltHttpRequest base, ServletRequest req, ServletResponse resp, String pathAndQuery)
            throws ServletException, IOException {
        HttpServletRequest source = req instanceof HttpServletRequest http ? http : base;
        setPathAttributes(base, List.of(jakarta.servlet.AsyncContext.ASYNC_REQUEST_URI,
                        jakarta.servlet.AsyncContext.ASYNC_CONTEXT_PATH, jakarta.servlet.AsyncContext.ASYNC_SERVLET_PATH,
                        jakarta.servlet.AsyncContext.ASYNC_PATH_INFO, jakarta.servlet.AsyncContext.ASYNC_QUERY_STRING,
                        jakarta.servlet.AsyncContext.ASYNC_MAPPING),
                source.getRequestURI(), source.getContextPath(), source.getServletPath(), source.getPathInfo(),
                source.getQueryString(), source.getHttpServletMapping());
        String target = pathAndQuery;
        if (target == null) {
            // dispatch(): the same URI again, with the request's own query (not added a second time)
            AsyncStateMachine machine = base.asyncMachineIfAny();
            if (machine != null && machine.dispatchPath() != null) {
                target = machine.dispatchPath();
            } else {
                String uri = base.getRequestURI();
                String contextPath = base.getContextPath();
                target = uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : uri;
            }
        }
        Target resolved = target(target);
        if (resolved == null) {
            throw new ServletException(ServletMessages.dispatchPathInvalid(target));
        }
        ServletMapper.Match match = resolved.match();
        base.enter(app);
        base.target(DispatcherType.ASYNC, app.contextPath() + resolved.encodedPath(), match.servletPath(),
                match.pathInfo(), resolved.query() != null ? resolved.query() : base.getQueryString(), mapping(match),
                match.holder());
        base.addDispatchQuery(resolved.query());
        base.setAsyncSupported(true);
        invoke(DispatcherType.ASYNC, base, match.holder(), resolved.decodedPath(), req, resp);
    }

    // ---- the common part

    private void invoke(DispatcherType type, MaltHttpRequest base, ServletHolder holder, String path,
                        ServletRequest req, ServletResponse resp) throws ServletException, IOException {
        if (holder == null || !holder.isEnabled() || holder.isPermanentlyUnavailable()) {
            if (type == DispatcherType.INCLUDE) {
                throw new ServletException(ServletMessages.includeTargetMissing(path));
            }
            base.response().sendError(404);
            return;
        }
        app.filterChains().chain(type, path, holder, base).doFilter(req, resp);
    }

    /** The container's request under any wrappers the app put around it. */
    public static MaltHttpRequest baseRequest(ServletRequest request) throws ServletException {
        ServletRequest r = request;
        while (r instanceof ServletRequestWrapper wrapper) {
            r = wrapper.getRequest();
        }
        if (r instanceof MaltHttpRequest base) {
            return base;
        }
        throw new ServletException(ServletMessages.notContainerRequest(request.getClass().getName()));
    }

    public static MaltHttpResponse baseResponse(ServletResponse response) {
        ServletResponse r = response;
        while (r instanceof ServletResponseWrapper wrapper) {
            r = wrapper.getResponse();
        }
        return r instanceof MaltHttpResponse base ? base : null;
    }

    static HttpServletMapping mapping(ServletMapper.Match match) {
        return new MaltServletMapping(match.matchValue(), match.pattern(), match.holder().getName(),
                match.mappingMatch());
    }

    private static Map<String, Object> saveAttributes(MaltHttpRequest base, List<String> names) {
        Map<String, Object> saved = new HashMap<>();
        for (String name : names) {
            saved.put(name, base.getAttribute(name));
        }
        return saved;
    }

    private static void restoreAttributes(MaltHttpRequest base, Map<String, Object> saved) {
        saved.forEach(base::putAttributeQuietly);
    }

    private static void setPathAttributes(MaltHttpRequest base, List<String> names, String requestUri,
                                          String contextPath, String servletPath, String pathInfo, String query,
                                          HttpServletMapping mapping) {
        base.putAttributeQuietly(names.get(0), requestUri);
        base.putAttributeQuietly(names.get(1), contextPath);
        base.putAttributeQuietly(names.get(2), servletPath);
        base.putAttributeQuietly(names.get(3), pathInfo);
        base.putAttributeQuietly(names.get(4), query);
        base.putAttributeQuietly(names.get(5), mapping);
    }
}
