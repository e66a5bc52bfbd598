package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.GatewayExchange;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
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
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.security.Principal;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the app sees it, over a {@link RequestModel} and the exchange's body stream.
 *
 * <p><b>Character encoding</b> of the body (and so of form parameters and {@code getReader()}), first
 * match wins: {@code setCharacterEncoding} (the spec says it overrides), the charset of the
 * Content-Type, the context's request encoding, which Malt defaults to UTF-8. Query string
 * parameters are always decoded as UTF-8, as URIs are.
 *
 * <p><b>Form parameters</b> are read from the body on first parameter access, only for POST, PUT and
 * PATCH with Content-Type {@code application/x-www-form-urlencoded}, and only if the app has not
 * already taken the body through {@code getInputStream()} or {@code getReader()}. Bodies over
 * {@link #MAX_FORM_BYTES} are refused with 413.
 *
 * <p>Not thread-safe, like every servlet request.
 */
public final class MaltHttpRequest implements HttpServletRequest {

    /** Like Tomcat's maxPostSize: a form is small; a bigger body is an upload or an attack. */
    public static final int MAX_FORM_BYTES = 2 * 1024 * 1024;

    private final RequestModel model;
    private final GatewayExchange exchange;
    private final MaltServletContext context;
    private final String requestId;
    private final String servletName;

    private Map<String, Object> attributes;
    private String explicitEncoding;
    private Map<String, List<String>> parameters;
    private Map<String, String[]> parameterMap;
    private RequestBodyStream body;
    private BufferedReader reader;
    private boolean usingStream;
    private Cookie[] cookies;
    private List<Locale> locales;
    private boolean loggedOut;

    public MaltHttpRequest(RequestModel model, GatewayExchange exchange, MaltServletContext context,
                           String requestId, String servletName) {
        this.model = model;
        this.exchange = exchange;
        this.context = context;
        this.requestId = requestId;
        this.servletName = servletName;
    }

    public RequestModel model() {
        return model;
    }

    // ---- attributes

    @Override
    public Object getAttribute(String name) {
        return attributes == null || name == null ? null : attributes.get(name);
    }

    @Override
    public java.util.Enumeration<String> getAttributeNames() {
        return attributes == null ? Collections.emptyEnumeration()
                : Collections.enumeration(List.copyOf(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (name == null) {
            throw new NullPointerException(ServletMessages.attributeNameNull());
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        attributes.put(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        if (attributes != null && name != null) {
            attributes.remove(name);
        }
    }

    // ---- body and its encoding

    @Override
    public String getCharacterEncoding() {
        if (explicitEncoding != null) {
            return explicitEncoding;
        }
        String fromType = ContentTypes.charset(model.contentType());
        return fromType != null ? fromType : context.getRequestCharacterEncoding();
    }

    @Override
    public void setCharacterEncoding(String encoding) throws UnsupportedEncodingException {
        if (reader != null || parameters != null) {
            return; // too late: the spec says this then has no effect
        }
        if (encoding != null) {
            charsetOrThrow(encoding);
        }
        explicitEncoding = encoding;
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
            Charset charset = charsetOrThrow(getCharacterEncoding());
            reader = new BufferedReader(new InputStreamReader(body(), charset));
        }
        return reader;
    }

    private RequestBodyStream body() {
        if (body == null) {
            body = new RequestBodyStream(exchange.body(), model.contentLength());
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
        return values == null ? null : values.get(0);
    }

    @Override
    public java.util.Enumeration<String> getParameterNames() {
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
            Map<String, List<String>> parsed = new LinkedHashMap<>();
            parameters = parsed; // set first: a failing body read must not make the next call retry it
            if (model.queryString() != null) {
                UrlEncodedParser.parse(model.queryString(), StandardCharsets.UTF_8, parsed);
            }
            if (hasFormBody() && !usingStream && reader == null) {
                readForm(parsed);
            }
        }
        return parameters;
    }

    private boolean hasFormBody() {
        String method = model.method();
        return (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))
                && "application/x-www-form-urlencoded".equals(ContentTypes.mediaType(model.contentType()));
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
            throw new java.io.UncheckedIOException(e);
        }
        if (data.length > MAX_FORM_BYTES) {
            throw new RequestRejectedException(413, ServletMessages.formTooLarge(data.length, MAX_FORM_BYTES));
        }
        Charset charset;
        try {
            charset = Charset.forName(getCharacterEncoding());
        } catch (IllegalArgumentException e) {
            charset = StandardCharsets.UTF_8; // a client's unknown charset: decode as browsers encode
        }
        UrlEncodedParser.parse(data, data.length, charset, into);
    }

    // ---- request line and addresses

    @Override
    public String getMethod() {
        return model.method();
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
        return model.requestUri();
    }

    @Override
    public StringBuffer getRequestURL() {
        return new StringBuffer(RedirectLocations.origin(model)).append(model.requestUri());
    }

    @Override
    public String getContextPath() {
        return model.contextPath();
    }

    @Override
    public String getServletPath() {
        return "";
    }

    @Override
    public String getPathInfo() {
        return model.pathInfo();
    }

    @Override
    public String getPathTranslated() {
        return model.pathInfo() == null ? null : context.getRealPath(model.pathInfo());
    }

    @Override
    public String getQueryString() {
        return model.queryString();
    }

    @Override
    public HttpServletMapping getHttpServletMapping() {
        String pathInfo = model.pathInfo();
        return new MaltServletMapping(pathInfo == null ? "" : pathInfo.substring(1), servletName);
    }

    // ---- headers

    @Override
    public String getHeader(String name) {
        return name == null ? null : model.headers().get(name);
    }

    @Override
    public java.util.Enumeration<String> getHeaders(String name) {
        return name == null ? Collections.emptyEnumeration() : Collections.enumeration(model.headers().getAll(name));
    }

    @Override
    public java.util.Enumeration<String> getHeaderNames() {
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
            List<Cookie> parsed = new java.util.ArrayList<>();
            for (String header : model.headers().getAll("Cookie")) {
                parsed.addAll(RequestCookies.parse(header));
            }
            cookies = parsed.toArray(new Cookie[0]);
        }
        return cookies.length == 0 ? null : cookies;
    }

    @Override
    public Locale getLocale() {
        List<Locale> all = locales();
        return all.isEmpty() ? Locale.getDefault() : all.get(0);
    }

    @Override
    public java.util.Enumeration<Locale> getLocales() {
        List<Locale> all = locales();
        return Collections.enumeration(all.isEmpty() ? List.of(Locale.getDefault()) : all);
    }

    private List<Locale> locales() {
        if (locales == null) {
            locales = AcceptLanguage.parse(model.headers().getAll("Accept-Language"));
        }
        return locales;
    }

    // ---- identity: what the frontend authenticated, nothing more

    @Override
    public String getAuthType() {
        return getRemoteUser() == null ? null : model.authType();
    }

    @Override
    public String getRemoteUser() {
        return loggedOut ? null : model.remoteUser();
    }

    @Override
    public Principal getUserPrincipal() {
        String user = getRemoteUser();
        return user == null ? null : new FrontendPrincipal(user);
    }

    @Override
    public boolean isUserInRole(String role) {
        return false; // roles are declared in web.xml: WAR container
    }

    @Override
    public boolean authenticate(HttpServletResponse response) throws ServletException {
        if (getRemoteUser() != null) {
            return true;
        }
        throw new ServletException(ServletMessages.noLoginMechanism("authenticate"));
    }

    @Override
    public void login(String username, String password) throws ServletException {
        throw new ServletException(ServletMessages.noLoginMechanism("login"));
    }

    @Override
    public void logout() {
        loggedOut = true;
    }

    // ---- sessions: none until the WAR container

    @Override
    public HttpSession getSession(boolean create) {
        if (create) {
            throw new IllegalStateException(ServletMessages.sessionsNotSupported());
        }
        return null;
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public String changeSessionId() {
        throw new IllegalStateException(ServletMessages.sessionsNotSupported());
    }

    @Override
    public String getRequestedSessionId() {
        return null;
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return false;
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return false;
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }

    // ---- what is not there yet: async, dispatch, multipart, upgrade, trailers

    @Override
    public AsyncContext startAsync() {
        throw new IllegalStateException(ServletMessages.asyncNotSupported("startAsync"));
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        throw new IllegalStateException(ServletMessages.asyncNotSupported("startAsync"));
    }

    @Override
    public boolean isAsyncStarted() {
        return false;
    }

    @Override
    public boolean isAsyncSupported() {
        return false;
    }

    @Override
    public AsyncContext getAsyncContext() {
        throw new IllegalStateException(ServletMessages.asyncNotSupported("getAsyncContext"));
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        return null;
    }

    @Override
    public DispatcherType getDispatcherType() {
        return DispatcherType.REQUEST;
    }

    @Override
    public Collection<Part> getParts() throws ServletException {
        throw new ServletException(ServletMessages.multipartNotSupported());
    }

    @Override
    public Part getPart(String name) throws ServletException {
        throw new ServletException(ServletMessages.multipartNotSupported());
    }

    @Override
    public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) throws ServletException {
        throw new ServletException(ServletMessages.upgradeNotSupported());
    }

    @Override
    public Map<String, String> getTrailerFields() {
        return Collections.emptyMap(); // the gateway protocols carry no request trailers
    }

    @Override
    public boolean isTrailerFieldsReady() {
        return true;
    }

    // ---- context and ids

    @Override
    public ServletContext getServletContext() {
        return context;
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

    private record FrontendPrincipal(String getName) implements Principal {
    }
}
