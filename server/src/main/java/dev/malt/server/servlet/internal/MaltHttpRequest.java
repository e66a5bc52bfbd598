package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.GatewayExchange;
import dev.malt.server.servlet.core.AsyncStateMachine;
import dev.malt.server.servlet.core.ServletHolder;
import dev.malt.server.servlet.core.WebApp;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.Part;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP request as the app sees it. The request line, headers and addresses come from the
 * {@link RequestModel}; everything that changes while the request travels through the container (the
 * paths of a forward, the dispatcher type, the mapping, query parameters added by a dispatcher) lives
 * in a small mutable dispatch state that {@code core.Dispatcher} saves and restores around each
 * dispatch. The rules themselves (mapping, sessions, async, security) are asked of the core.
 *
 * <p><b>Character encoding</b> of the body: {@code setCharacterEncoding}, the charset of the
 * Content-Type, the context's request encoding, in that order; {@link #getCharacterEncoding()} is
 * {@code null} when none of them says. The body is then decoded as UTF-8 (what browsers send today,
 * where the spec's historical default is ISO-8859-1). Query strings are always decoded as UTF-8.
 *
 * <p><b>Form parameters</b> are read from the body on first parameter access, for POST with
 * {@code application/x-www-form-urlencoded} (or {@code multipart/form-data} when the servlet has a
 * multipart config), unless the app already took the body. Forms over {@link #MAX_FORM_BYTES} are
 * refused with 413.
 *
 * <p>Not thread-safe, like every servlet request.
 */
public final class MaltHttpRequest implements HttpServletRequest {

    /** Like Tomcat's maxPostSize: a form is small; a bigger body is an upload or an attack. */
    public static final int MAX_FORM_BYTES = 2 * 1024 * 1024;
    /** How the body is decoded when nothing names its charset. */
    public static final Charset DEFAULT_BODY_CHARSET = StandardCharsets.UTF_8;

    private final RequestModel model;
    private final GatewayExchange exchange;
    /** The context the request is in now: the one it came to, or another one a cross-context dispatch entered. */
    private WebApp app;
    /** The context the request came to; cross-context dispatches tie their sessions to its session. */
    private final WebApp topLevelApp;
    private final String requestId;
    private MaltHttpResponse response;

    // ---- dispatch state: saved and restored by the dispatcher
    private DispatcherType dispatcherType = DispatcherType.REQUEST;
    private String requestUri;
    private String servletPath = "";
    private String pathInfo;
    private String queryString;
    private HttpServletMapping mapping;
    private ServletHolder servlet;
    private boolean asyncSupported = true;
    /** Query strings a dispatcher added, innermost last; their parameters come before the original ones. */
    private List<String> dispatchQueries = List.of();

    private Map<String, Object> attributes;
    private String explicitEncoding;
    private Map<String, List<String>> baseParameters;
    private Map<String, List<String>> parameters;
    private Map<String, String[]> parameterMap;
    private RequestBodyStream body;
    private BufferedReader reader;
    private boolean usingStream;
    private Cookie[] cookies;
    private List<Locale> locales;
    private Collection<Part> parts;
    /** How reading the parts failed; every later getParts() reports the same, the body being gone. */
    private Exception partsFailure;

    private AsyncStateMachine async;
    /** upgrade() was called: the transport switches protocols if the response goes out as 101. */
    private boolean upgraded;
    /** Session state per context the request visited (sessions are scoped to a context, spec 7.3). */
    private List<RequestSession> sessions = List.of();
    private Principal user;
    private String authType;
    private boolean loggedOut;
    /** What getMethod() says instead of the request line: a FORM login's saved method, or GET for its pages. */
    private String methodOverride;
    /** After a FORM login: the parameters of the request that met the login page. */
    private Map<String, List<String>> restoredParameters;

    public MaltHttpRequest(RequestModel model, GatewayExchange exchange, WebApp app, String requestId) {
        this.model = model;
        this.exchange = exchange;
        this.app = app;
        this.topLevelApp = app;
        this.requestId = requestId;
        this.requestUri = model.requestUri();
        this.queryString = model.queryString();
        this.pathInfo = model.pathInfo();
    }

    public RequestModel model() {
        return model;
    }

    public GatewayExchange exchange() {
        return exchange;
    }

    public WebApp app() {
        return app;
    }

    public void setResponse(MaltHttpResponse response) {
        this.response = response;
    }

    public MaltHttpResponse response() {
        return response;
    }

    /** The request's path within its context, decoded: what the servlet mapping was made from. */
    public String contextRelativePath() {
        String p = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return p.isEmpty() ? "/" : p;
    }

    // ---- dispatch state, for the core

    /** A snapshot of everything a dispatch changes. */
    public record DispatchState(DispatcherType type, String requestUri, String servletPath, String pathInfo,
                                String queryString, HttpServletMapping mapping, ServletHolder servlet,
                                boolean asyncSupported, List<String> dispatchQueries, WebApp app) {
    }

    public DispatchState dispatchState() {
        return new DispatchState(dispatcherType, requestUri, servletPath, pathInfo, queryString, mapping, servlet,
                asyncSupported, dispatchQueries, app);
    }

    /** A cross-context dispatch enters another context of this host; restore() leaves it. */
    public void enter(WebApp context) {
        this.app = context;
    }

    public void restore(DispatchState state) {
        app = state.app();
        dispatcherType = state.type();
        requestUri = state.requestUri();
        servletPath = state.servletPath();
        pathInfo = state.pathInfo();
        queryString = state.queryString();
        mapping = state.mapping();
        servlet = state.servlet();
        asyncSupported = state.asyncSupported();
        if (dispatchQueries != state.dispatchQueries()) {
            dispatchQueries = state.dispatchQueries();
            parameters = null;
            parameterMap = null;
        }
    }

    /** Points the request at a target: a forward, an error or async dispatch, or the first mapping. */
    public void target(DispatcherType type, String requestUri, String servletPath, String pathInfo,
                       String queryString, HttpServletMapping mapping, ServletHolder servlet) {
        this.dispatcherType = type;
        this.requestUri = requestUri;
        this.servletPath = servletPath;
        this.pathInfo = pathInfo;
        this.queryString = queryString;
        this.mapping = mapping;
        this.servlet = servlet;
    }

    /** For an include or a named dispatch: only the type and the servlet change. */
    public void targetServlet(DispatcherType type, ServletHolder servlet) {
        this.dispatcherType = type;
        this.servlet = servlet;
    }

    /** Adds a dispatcher's query string: its parameters take precedence for the dispatch (spec 9.1.1). */
    public void addDispatchQuery(String query) {
        if (query == null || query.isEmpty()) {
            return;
        }
        List<String> queries = new ArrayList<>(dispatchQueries);
        queries.add(query);
        dispatchQueries = List.copyOf(queries);
        parameters = null;
        parameterMap = null;
    }

    public ServletHolder servlet() {
        return servlet;
    }

    /** A filter or servlet in the chain that does not support async makes startAsync illegal. */
    public void restrictAsync(boolean supported) {
        asyncSupported &= supported;
    }

    public void setAsyncSupported(boolean supported) {
        asyncSupported = supported;
    }

    /** The async state machine, created on first use. */
    public AsyncStateMachine asyncMachine() {
        if (async == null) {
            async = new AsyncStateMachine(this);
        }
        return async;
    }

    /** The state machine if async was ever started, else null. */
    public AsyncStateMachine asyncMachineIfAny() {
        return async;
    }

    // ---- attributes

    @Override
    public Object getAttribute(String name) {
        return attributes == null || name == null ? null : attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return attributes == null ? Collections.emptyEnumeration()
                : Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (name == null) {
            throw new IllegalArgumentException(ServletMessages.attributeNameNull());
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        Object old = attributes.put(name, value);
        if (app.listeners().hasRequestAttributeListeners()) {
            if (old == null) {
                app.listeners().requestAttributeAdded(app.context(), this, name, value);
            } else {
                app.listeners().requestAttributeReplaced(app.context(), this, name, old);
            }
        }
    }

    @Override
    public void removeAttribute(String name) {
        if (attributes == null || name == null) {
            return;
        }
        Object old = attributes.remove(name);
        if (old != null && app.listeners().hasRequestAttributeListeners()) {
            app.listeners().requestAttributeRemoved(app.context(), this, name, old);
        }
    }

    /** Sets or removes a container attribute without telling listeners (dispatch bookkeeping). */
    public Object putAttributeQuietly(String name, Object value) {
        if (value == null) {
            return attributes == null ? null : attributes.remove(name);
        }
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        return attributes.put(name, value);
    }

    // ---- body and its encoding

    @Override
    public String getCharacterEncoding() {
        if (explicitEncoding != null) {
            return explicitEncoding;
        }
        String fromType = ContentTypes.charset(model.contentType());
        return fromType != null ? fromType : app.context().getRequestCharacterEncoding();
    }

    private Charset bodyCharset() {
        String name = getCharacterEncoding();
        if (name == null) {
            return DEFAULT_BODY_CHARSET;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return DEFAULT_BODY_CHARSET; // a client's unknown charset: decode as browsers encode
        }
    }

    @Override
    public void setCharacterEncoding(String encoding) throws UnsupportedEncodingException {
        if (reader != null || baseParameters != null) {
            return; // too late: the spec says this then has no effect
        }
        if (encoding != null) {
            charsetOrThrow(encoding);
        }
        explicitEncoding = encoding;
    }

    @Override
    public void setCharacterEncoding(Charset encoding) {
        if (reader != null || baseParameters != null) {
            return;
        }
        explicitEncoding = encoding == null ? null : encoding.name();
    }

    @Override
    public int getContentLength() {
        long length = model.contentLength();
        return length > Integer.MAX_VALUE ? -1 : (int) length;
    }

    @Override
    public long getContentLengthLong() {
        return model.contentLength();
    }

    @Override
    public String getContentType() {
        return model.contentType();
    }

    @Override
    public ServletInputStream getInputStream() {
        if (reader != null) {
            throw new IllegalStateException(ServletMessages.readerAlreadyUsed());
        }
        usingStream = true;
        return body();
    }

    @Override
    public BufferedReader getReader() throws UnsupportedEncodingException {
        if (usingStream) {
            throw new IllegalStateException(ServletMessages.inputStreamAlreadyUsed());
        }
        if (reader == null) {
            String name = getCharacterEncoding();
            Charset charset = name == null ? DEFAULT_BODY_CHARSET : charsetOrThrow(name);
            reader = new BufferedReader(new InputStreamReader(body(), charset));
        }
        return reader;
    }

    /** The body stream, whoever reads it (the app, the form parser, the multipart parser). */
    public RequestBodyStream body() {
        if (body == null) {
            body = new RequestBodyStream(exchange, model.contentLength(), this);
        }
        return body;
    }

    private static Charset charsetOrThrow(String name) throws UnsupportedEncodingException {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new UnsupportedEncodingException(ServletMessages.unsupportedEncoding(name));
        }
    }

    // ---- parameters

    @Override
    public String getParameter(String name) {
        List<String> values = parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters().keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        List<String> values = parameters().get(name);
        return values == null ? null : values.toArray(new String[0]);
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        if (parameterMap == null) {
            Map<String, String[]> map = new LinkedHashMap<>();
            parameters().forEach((name, values) -> map.put(name, values.toArray(new String[0])));
            parameterMap = Collections.unmodifiableMap(map);
        }
        return parameterMap;
    }

    private Map<String, List<String>> parameters() {
        if (parameters == null) {
            Map<String, List<String>> base = baseParameters();
            if (dispatchQueries.isEmpty()) {
                parameters = base;
            } else {
                Map<String, List<String>> merged = new LinkedHashMap<>();
                for (int i = dispatchQueries.size() - 1; i >= 0; i--) {
                    Map<String, List<String>> added = new LinkedHashMap<>();
                    // an app's own string, not wire bytes: its non-ASCII characters stand for their UTF-8 bytes
                    byte[] query = dispatchQueries.get(i).getBytes(StandardCharsets.UTF_8);
                    UrlEncodedParser.parse(query, query.length, StandardCharsets.UTF_8, added);
                    added.forEach((k, v) -> merged.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
                }
                base.forEach((k, v) -> merged.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
                parameters = merged;
            }
        }
        return parameters;
    }

    private Map<String, List<String>> baseParameters() {
        if (baseParameters == null && restoredParameters != null) {
            baseParameters = new LinkedHashMap<>();
            restoredParameters.forEach((name, values) -> baseParameters.put(name, new ArrayList<>(values)));
        }
        if (baseParameters == null) {
            Map<String, List<String>> parsed = new LinkedHashMap<>();
            baseParameters = parsed; // set first: a failing body read must not make the next call retry it
            if (model.queryString() != null) {
                UrlEncodedParser.parse(model.queryString(), StandardCharsets.UTF_8, parsed);
            }
            if (!usingStream && reader == null && "POST".equals(model.method())) {
                String mediaType = ContentTypes.mediaType(model.contentType());
                if ("application/x-www-form-urlencoded".equals(mediaType)) {
                    readForm(parsed);
                } else if ("multipart/form-data".equals(mediaType) && multipartConfig() != null) {
                    addPartParameters(parsed);
                }
            }
        }
        return baseParameters;
    }

    private void readForm(Map<String, List<String>> into) {
        long declared = model.contentLength();
        if (declared > MAX_FORM_BYTES) {
            throw new RequestRejectedException(413, ServletMessages.formTooLarge(declared, MAX_FORM_BYTES));
        }
        byte[] data;
        try {
            InputStream in = body();
            data = in.readNBytes(MAX_FORM_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (data.length > MAX_FORM_BYTES) {
            throw new RequestRejectedException(413, ServletMessages.formTooLarge(data.length, MAX_FORM_BYTES));
        }
        UrlEncodedParser.parse(data, data.length, bodyCharset(), into);
    }

    /**
     * Fields (parts without a file name) become parameters, held in memory as strings: together they are
     * a form, and as large as a urlencoded one may be ({@link #MAX_FORM_BYTES}), whatever the multipart
     * config allows for files.
     */
    private void addPartParameters(Map<String, List<String>> into) {
        try {
            long fieldBytes = 0;
            for (Part part : getParts()) {
                if (part.getSubmittedFileName() == null) {
                    fieldBytes += part.getSize();
                    if (fieldBytes > MAX_FORM_BYTES) {
                        throw new RequestRejectedException(413, ServletMessages.formTooLarge(fieldBytes, MAX_FORM_BYTES));
                    }
                    into.computeIfAbsent(part.getName(), k -> new ArrayList<>()).add(partText(part));
                }
            }
        } catch (ServletException | IOException e) {
            // parameters stay without the parts; getParts() reports the failure to whoever asks
        }
    }

    private String partText(Part part) throws IOException {
        // the parser knows the field's charset: its own, the form's _charset_, or the request's
        Charset cs = part instanceof FormDataPart formPart ? formPart.charset() : bodyCharset();
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), cs);
        }
    }

    private MultipartConfigElement multipartConfig() {
        return servlet == null ? null : servlet.multipartConfig();
    }

    // ---- multipart

    @Override
    public Collection<Part> getParts() throws IOException, ServletException {
        if (parts != null) {
            return parts;
        }
        if (partsFailure != null) {
            throw rethrowPartsFailure();
        }
        MultipartConfigElement config = multipartConfig();
        if (config == null) {
            throw new IllegalStateException(ServletMessages.noMultipartConfig(servlet == null ? null : servlet.getName()));
        }
        String mediaType = ContentTypes.mediaType(model.contentType());
        if (!"multipart/form-data".equals(mediaType)) {
            throw new ServletException(ServletMessages.notMultipart(model.contentType()));
        }
        if (usingStream || reader != null) {
            throw new IllegalStateException(ServletMessages.bodyAlreadyRead("getParts"));
        }
        try {
            long declared = model.contentLength();
            if (config.getMaxRequestSize() >= 0 && declared > config.getMaxRequestSize()) {
                // refused before a byte is read, as the body's own count would refuse it later
                throw new RequestRejectedException(413,
                        ServletMessages.multipartRequestTooLarge(declared, config.getMaxRequestSize(), null));
            }
            parts = app.multipart().parse(body(), model.contentType(), bodyCharset(), config, app.tempDir());
        } catch (ServletException | IOException | RuntimeException e) {
            partsFailure = e;
            throw e;
        }
        return parts;
    }

    private ServletException rethrowPartsFailure() throws IOException {
        if (partsFailure instanceof IOException io) {
            throw io;
        }
        if (partsFailure instanceof RuntimeException unchecked) {
            throw unchecked;
        }
        return (ServletException) partsFailure;
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        for (Part part : getParts()) {
            if (part.getName().equals(name)) {
                return part;
            }
        }
        return null;
    }

    /** Deletes the temp files of uploaded parts; at the end of the request. */
    public void cleanupParts() {
        if (parts != null) {
            for (Part part : parts) {
                try {
                    part.delete();
                } catch (IOException | RuntimeException e) {
                    // the temp dir is emptied at the next start
                }
            }
        }
    }

    // ---- request line and addresses

    @Override
    public String getMethod() {
        return methodOverride != null ? methodOverride : model.method();
    }

    @Override
    public String getProtocol() {
        return model.protocol();
    }

    @Override
    public String getScheme() {
        return model.scheme();
    }

    @Override
    public boolean isSecure() {
        return model.isSecure();
    }

    @Override
    public String getServerName() {
        return model.serverName();
    }

    @Override
    public int getServerPort() {
        return model.serverPort();
    }

    @Override
    public String getRemoteAddr() {
        return model.remoteAddr();
    }

    @Override
    public String getRemoteHost() {
        return model.remoteAddr(); // no reverse DNS on the request path
    }

    @Override
    public int getRemotePort() {
        return model.remotePort();
    }

    @Override
    public String getLocalName() {
        return model.localName();
    }

    @Override
    public String getLocalAddr() {
        return model.localAddr();
    }

    @Override
    public int getLocalPort() {
        return model.localPort();
    }

    @Override
    public String getRequestURI() {
        return requestUri;
    }

    @Override
    public StringBuffer getRequestURL() {
        return new StringBuffer(RedirectLocations.origin(model)).append(requestUri);
    }

    @Override
    public String getContextPath() {
        return app.contextPath();
    }

    @Override
    public String getServletPath() {
        return servletPath;
    }

    @Override
    public String getPathInfo() {
        return pathInfo;
    }

    @Override
    public String getPathTranslated() {
        return pathInfo == null ? null : app.context().getRealPath(pathInfo);
    }

    @Override
    public String getQueryString() {
        return queryString;
    }

    @Override
    public HttpServletMapping getHttpServletMapping() {
        return mapping;
    }

    // ---- headers

    @Override
    public String getHeader(String name) {
        return name == null ? null : model.headers().get(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return name == null ? Collections.emptyEnumeration() : Collections.enumeration(model.headers().getAll(name));
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return Collections.enumeration(model.headers().names());
    }

    @Override
    public long getDateHeader(String name) {
        String value = getHeader(name);
        if (value == null) {
            return -1;
        }
        long date = HttpDates.parse(value);
        if (date < 0) {
            throw new IllegalArgumentException(ServletMessages.notADate(name, value));
        }
        return date;
    }

    @Override
    public int getIntHeader(String name) {
        String value = getHeader(name);
        return value == null ? -1 : Integer.parseInt(value.trim());
    }

    @Override
    public Cookie[] getCookies() {
        if (cookies == null) {
            cookies = RequestCookies.parse(model.headers().getAll("Cookie")).toArray(new Cookie[0]);
        }
        return cookies.length == 0 ? null : cookies.clone();
    }

    @Override
    public Locale getLocale() {
        List<Locale> all = locales();
        return all.isEmpty() ? Locale.getDefault() : all.get(0);
    }

    @Override
    public Enumeration<Locale> getLocales() {
        List<Locale> all = locales();
        return Collections.enumeration(all.isEmpty() ? List.of(Locale.getDefault()) : all);
    }

    private List<Locale> locales() {
        if (locales == null) {
            locales = AcceptLanguage.parse(model.headers().getAll("Accept-Language"));
        }
        return locales;
    }

    // ---- identity: what the frontend or the container's login authenticated

    @Override
    public String getAuthType() {
        if (loggedOut) {
            return null;
        }
        if (user != null) {
            return authType;
        }
        return model.remoteUser() == null ? null : model.authType();
    }

    @Override
    public String getRemoteUser() {
        Principal principal = getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    @Override
    public Principal getUserPrincipal() {
        if (loggedOut) {
            return null;
        }
        if (user != null) {
            return user;
        }
        String frontendUser = model.remoteUser();
        return frontendUser == null ? null : app.security().principal(frontendUser);
    }

    /**
     * The request that met a FORM login page, given back to the request that follows the login: its
     * method and, for a POST, its parameters (query and form; the body itself is not kept).
     */
    public void restoreSavedRequest(String method, Map<String, List<String>> parameters) {
        this.methodOverride = method;
        this.restoredParameters = parameters;
        this.baseParameters = null;
        this.parameters = null;
        this.parameterMap = null;
    }

    /**
     * Replaces what {@link #getMethod()} says, parameters untouched; {@code null} goes back to the
     * request's own. The FORM login and error pages are always shown as to a GET, as in Tomcat: a static
     * page would refuse the POST of {@code j_security_check}.
     */
    public String overrideMethod(String method) {
        String previous = methodOverride;
        methodOverride = method;
        return previous;
    }

    /** Set by the container's authentication. */
    public void setUser(Principal user, String authType) {
        this.user = user;
        this.authType = authType;
        this.loggedOut = false;
    }

    @Override
    public boolean isUserInRole(String role) {
        Principal principal = getUserPrincipal();
        if (principal == null || role == null) {
            return false;
        }
        String linked = servlet == null ? role : servlet.linkedRole(role);
        return app.security().isUserInRole(principal, linked);
    }

    @Override
    public boolean authenticate(HttpServletResponse response) throws IOException, ServletException {
        if (getUserPrincipal() != null) {
            return true;
        }
        return app.security().authenticate(this, response);
    }

    @Override
    public void login(String username, String password) throws ServletException {
        if (getUserPrincipal() != null) {
            throw new ServletException(ServletMessages.alreadyAuthenticated());
        }
        app.security().login(this, username, password);
    }

    @Override
    public void logout() throws ServletException {
        user = null;
        authType = null;
        loggedOut = true;
        app.security().logout(this);
    }

    // ---- sessions

    private RequestSession sessionState() {
        for (RequestSession state : sessions) {
            if (state.context() == app) {
                return state;
            }
        }
        RequestSession state = new RequestSession(this, app);
        List<RequestSession> more = new ArrayList<>(sessions);
        more.add(state);
        sessions = List.copyOf(more);
        return state;
    }

    @Override
    public HttpSession getSession(boolean create) {
        return sessionState().get(create);
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public String changeSessionId() {
        return sessionState().changeId();
    }

    @Override
    public String getRequestedSessionId() {
        return sessionState().requestedId();
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return sessionState().isRequestedIdValid();
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return sessionState().isRequestedIdFromCookie();
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return sessionState().isRequestedIdFromUrl();
    }

    public WebApp topLevelApp() {
        return topLevelApp;
    }

    /** The top-level context's session, for a context a cross-context dispatch entered. */
    HttpSession topLevelSession(boolean create) {
        WebApp current = app;
        app = topLevelApp;
        try {
            return sessionState().get(create);
        } finally {
            app = current;
        }
    }

    /** The session state of every context the request used, for saving the sessions when it ends. */
    public List<RequestSession> sessionsUsed() {
        return sessions;
    }

    // ---- async

    @Override
    public AsyncContext startAsync() {
        return startAsync(this, response, true, null);
    }

    /**
     * {@code dispatch()} later goes to the URI this request shows now (in a forward: the forward's
     * target, as the {@code AsyncContext#dispatch()} javadoc says), so it is taken here: this one
     * request object is pointed back at the original URI when the forward returns.
     */
    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        String dispatchPath = null;
        if (request instanceof HttpServletRequest http) {
            String uri = http.getRequestURI();
            String contextPath = http.getContextPath();
            dispatchPath = uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : uri;
            String query = http.getQueryString();
            if (query != null && !query.equals(model.queryString())) {
                dispatchPath = dispatchPath + "?" + query; // inside a forward: dispatch() returns to its target
            }
        }
        return startAsync(request, response, request == this && response == this.response, dispatchPath);
    }

    private AsyncContext startAsync(ServletRequest request, ServletResponse response, boolean original,
                                    String dispatchPath) {
        if (!asyncSupported) {
            throw new IllegalStateException(ServletMessages.asyncNotSupportedInChain(servlet == null ? null
                    : servlet.getName()));
        }
        return asyncMachine().start(request, response, original, dispatchPath);
    }

    /**
     * In async mode: started, or with a dispatch or completion asked for that waits for the current
     * dispatch to return. {@link #isAsyncStarted()} is false in the last two cases (its javadoc), but
     * the response is not done then either.
     */
    public boolean isAsyncMode() {
        return async != null && async.isAsyncMode();
    }

    @Override
    public boolean isAsyncStarted() {
        return async != null && async.isStarted();
    }

    @Override
    public boolean isAsyncSupported() {
        return asyncSupported;
    }

    @Override
    public AsyncContext getAsyncContext() {
        if (!isAsyncStarted()) {
            throw new IllegalStateException(ServletMessages.asyncNotStarted());
        }
        return async.context();
    }

    @Override
    public DispatcherType getDispatcherType() {
        return dispatcherType;
    }

    // ---- dispatching

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        if (path == null) {
            return null;
        }
        String target = path;
        if (!path.startsWith("/")) {
            String current = contextRelativePath();
            if (dispatcherType == DispatcherType.INCLUDE && getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH) != null) {
                // inside an include, relative to the included resource (Tomcat's reading of spec 9.1)
                Object includedPath = getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
                current = getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH) + (includedPath == null ? "" : includedPath.toString());
            }
            target = current.substring(0, current.lastIndexOf('/') + 1) + path;
        }
        return app.context().getRequestDispatcher(target);
    }

    // ---- upgrade and trailers

    /**
     * Creates the handler and asks the transport to switch protocols once the response is out as 101 (set
     * here, as the spec's examples expect). The handler's {@code init} runs after the servlet returned and
     * the 101 left; with any other final status the handler never starts.
     */
    @Override
    public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) throws ServletException {
        if (!exchange.canUpgrade()) {
            throw new ServletException(ServletMessages.upgradeNeedsHttpSocket());
        }
        if (getHeader("Upgrade") == null || !"HTTP/1.1".equals(getProtocol())) {
            throw new ServletException(ServletMessages.upgradeNotRequested());
        }
        if (upgraded) {
            throw new IllegalStateException(ServletMessages.upgradeTwice());
        }
        if (response.isCommitted()) {
            throw new IllegalStateException(ServletMessages.upgradeAfterCommit());
        }
        T handler;
        try {
            handler = app.instances().create(handlerClass);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            throw new ServletException(ServletMessages.upgradeHandlerCreateFailed(handlerClass.getName(), cause), cause);
        }
        MaltWebConnection connection = new MaltWebConnection(app, handler);
        exchange.upgradeAfterResponse(connection::start, connection::abandon);
        upgraded = true;
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        return handler;
    }

    @Override
    public Map<String, String> getTrailerFields() {
        if (!exchange.trailerFieldsReady()) {
            throw new IllegalStateException(ServletMessages.trailersNotReady());
        }
        return new java.util.HashMap<>(exchange.trailerFields());
    }

    @Override
    public boolean isTrailerFieldsReady() {
        return exchange.trailerFieldsReady();
    }

    // ---- context and ids

    @Override
    public ServletContext getServletContext() {
        return app.context();
    }

    @Override
    public String getRequestId() {
        return requestId;
    }

    @Override
    public String getProtocolRequestId() {
        return ""; // HTTP/1.x has no protocol-level request id
    }

    @Override
    public ServletConnection getServletConnection() {
        String connectionId = exchange.connectionId();
        return new MaltServletConnection(connectionId != null ? connectionId : requestId,
                exchange.connectionProtocol());
    }

    /** Names of the request's container attributes, for tests and the error page. */
    Set<String> attributeNames() {
        return attributes == null ? Set.of() : attributes.keySet();
    }
}
