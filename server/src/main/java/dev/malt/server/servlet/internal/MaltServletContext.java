package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.core.ServletHolder;
import dev.malt.server.servlet.core.WebApp;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.descriptor.JspConfigDescriptor;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.EventListener;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ServletContext} of one context. Thin: registration, mapping, listeners and sessions are
 * the {@link WebApp}'s; this class holds the context's attributes and init parameters and checks who
 * may call what. A second, <em>restricted</em> instance goes to context listeners that were added
 * programmatically: the spec (4.4) forbids them to configure the context.
 */
public final class MaltServletContext implements ServletContext {

    private final WebApp app;
    private final boolean restricted;
    private final MaltServletContext shared;
    private final Map<String, Object> attributes;
    private final Map<String, String> initParameters;
    private volatile String requestEncoding;
    private volatile String responseEncoding;

    public MaltServletContext(WebApp app, Map<String, String> initParameters) {
        this.app = app;
        this.restricted = false;
        this.shared = this;
        this.attributes = new ConcurrentHashMap<>();
        this.initParameters = Collections.synchronizedMap(new java.util.LinkedHashMap<>(initParameters));
        this.requestEncoding = app.model().requestCharacterEncoding();
        this.responseEncoding = app.model().responseCharacterEncoding();
    }

    private MaltServletContext(MaltServletContext full) {
        this.app = full.app;
        this.restricted = true;
        this.shared = full;
        this.attributes = full.attributes;
        this.initParameters = full.initParameters;
    }

    /** The view for context listeners the app added itself. */
    public MaltServletContext restrictedView() {
        return new MaltServletContext(this);
    }

    public WebApp app() {
        return app;
    }

    private void checkConfigurable(String method) {
        if (restricted) {
            throw new UnsupportedOperationException(ServletMessages.restrictedContext(method));
        }
        app.checkInitializing(method);
    }

    @Override
    public String getContextPath() {
        return app.contextPath();
    }

    @Override
    public ServletContext getContext(String uripath) {
        if (uripath == null || !uripath.startsWith("/")) {
            return null;
        }
        WebApp other = app.host() == null ? app : app.host().contextFor(uripath);
        if (other == app) {
            return this;
        }
        return other == null ? null : other.context(); // another mount of this app, same worker
    }

    @Override
    public int getMajorVersion() {
        return 6;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public int getEffectiveMajorVersion() {
        return app.model().majorVersion();
    }

    @Override
    public int getEffectiveMinorVersion() {
        return app.model().minorVersion();
    }

    @Override
    public String getMimeType(String file) {
        if (file == null) {
            return null;
        }
        int dot = file.lastIndexOf('.');
        if (dot >= 0) {
            String mapped = app.model().mimeMappings().get(file.substring(dot + 1).toLowerCase(Locale.ROOT));
            if (mapped != null) {
                return mapped;
            }
        }
        return MimeTypes.forFileName(file);
    }

    @Override
    public Set<String> getResourcePaths(String path) {
        return app.resources().list(path);
    }

    @Override
    public URL getResource(String path) throws MalformedURLException {
        if (path == null || !path.startsWith("/")) {
            throw new MalformedURLException(ServletMessages.resourcePathNotAbsolute(path));
        }
        return app.resources().url(path);
    }

    @Override
    public InputStream getResourceAsStream(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        Path file = app.resources().file(path);
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String getRealPath(String path) {
        return app.resources().realPath(path);
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        return app.dispatcher().forPath(path);
    }

    @Override
    public RequestDispatcher getNamedDispatcher(String name) {
        return name == null ? null : app.dispatcher().forName(name);
    }

    @Override
    public void log(String msg) {
        app.log().info(msg);
    }

    @Override
    public void log(String message, Throwable throwable) {
        app.log().error(message, throwable);
    }

    @Override
    public String getServerInfo() {
        return "Malt/" + MaltVersion.version();
    }

    @Override
    public String getInitParameter(String name) {
        if (name == null) {
            throw new NullPointerException(ServletMessages.initParameterNull(null));
        }
        return initParameters.get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        synchronized (initParameters) {
            return Collections.enumeration(new ArrayList<>(initParameters.keySet()));
        }
    }

    @Override
    public boolean setInitParameter(String name, String value) {
        if (name == null) {
            throw new NullPointerException(ServletMessages.initParameterNull(null));
        }
        checkConfigurable("setInitParameter");
        return initParameters.putIfAbsent(name, value) == null;
    }

    @Override
    public Object getAttribute(String name) {
        if (name == null) {
            throw new NullPointerException(ServletMessages.attributeNameNull());
        }
        return attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object object) {
        if (name == null) {
            throw new NullPointerException(ServletMessages.attributeNameNull());
        }
        if (object == null) {
            removeAttribute(name);
            return;
        }
        Object old = attributes.put(name, object);
        if (old == null) {
            app.listeners().contextAttributeAdded(shared, name, object);
        } else {
            app.listeners().contextAttributeReplaced(shared, name, old);
        }
    }

    /** Container attributes set before any listener exists (temp dir, ordered libs). */
    public void setAttributeQuietly(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        if (name == null) {
            return;
        }
        Object old = attributes.remove(name);
        if (old != null) {
            app.listeners().contextAttributeRemoved(shared, name, old);
        }
    }

    @Override
    public String getServletContextName() {
        return app.model().displayName();
    }

    @Override
    public ClassLoader getClassLoader() {
        return app.classLoader();
    }

    @Override
    public String getVirtualServerName() {
        return "Malt/" + app.appName();
    }

    // ---- encodings

    @Override
    public String getRequestCharacterEncoding() {
        return shared.requestEncoding;
    }

    @Override
    public void setRequestCharacterEncoding(String encoding) {
        checkConfigurable("setRequestCharacterEncoding");
        shared.requestEncoding = encoding;
    }

    @Override
    public void setRequestCharacterEncoding(Charset encoding) {
        setRequestCharacterEncoding(encoding == null ? null : encoding.name());
    }

    @Override
    public String getResponseCharacterEncoding() {
        return shared.responseEncoding;
    }

    @Override
    public void setResponseCharacterEncoding(String encoding) {
        checkConfigurable("setResponseCharacterEncoding");
        shared.responseEncoding = encoding;
    }

    @Override
    public void setResponseCharacterEncoding(Charset encoding) {
        setResponseCharacterEncoding(encoding == null ? null : encoding.name());
    }

    /** The charset {@code locale-encoding-mapping-list} gives for a locale, or {@code null}. */
    public String encodingForLocale(Locale locale) {
        String own = lookup(app.model().localeEncodingMappings(), locale);
        return own != null || app.host() == null ? own : lookup(app.host().localeEncodings(), locale);
    }

    private static String lookup(Map<String, String> mappings, Locale locale) {
        if (mappings.isEmpty()) {
            return null;
        }
        String full = mappings.get(locale.toString());
        if (full != null) {
            return full;
        }
        full = mappings.get(locale.toLanguageTag());
        return full != null ? full : mappings.get(locale.getLanguage());
    }

    // ---- sessions

    @Override
    public int getSessionTimeout() {
        return app.sessions().timeoutMinutes();
    }

    @Override
    public void setSessionTimeout(int sessionTimeout) {
        checkConfigurable("setSessionTimeout");
        app.sessions().setTimeoutMinutes(sessionTimeout);
    }

    @Override
    public SessionCookieConfig getSessionCookieConfig() {
        if (restricted) {
            throw new UnsupportedOperationException(ServletMessages.restrictedContext("getSessionCookieConfig"));
        }
        return app.sessions().cookieConfig();
    }

    @Override
    public void setSessionTrackingModes(Set<SessionTrackingMode> sessionTrackingModes) {
        checkConfigurable("setSessionTrackingModes");
        app.sessions().setTrackingModes(sessionTrackingModes);
    }

    @Override
    public Set<SessionTrackingMode> getDefaultSessionTrackingModes() {
        return app.sessions().defaultTrackingModes();
    }

    @Override
    public Set<SessionTrackingMode> getEffectiveSessionTrackingModes() {
        return app.sessions().effectiveTrackingModes();
    }

    // ---- programmatic registration: allowed while the context initializes

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, String className) {
        checkName(servletName);
        checkConfigurable("addServlet");
        return app.addServlet(servletName, className, null, null);
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Servlet servlet) {
        checkName(servletName);
        checkConfigurable("addServlet");
        return app.addServlet(servletName, null, null, servlet);
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Class<? extends Servlet> servletClass) {
        checkName(servletName);
        checkConfigurable("addServlet");
        return app.addServlet(servletName, null, servletClass, null);
    }

    @Override
    public ServletRegistration.Dynamic addJspFile(String servletName, String jspFile) {
        checkName(servletName);
        if (jspFile == null || !jspFile.startsWith("/")) {
            throw new IllegalArgumentException(ServletMessages.jspFileInvalid(jspFile));
        }
        checkConfigurable("addJspFile");
        return app.addJspFile(servletName, jspFile);
    }

    @Override
    public <T extends Servlet> T createServlet(Class<T> clazz) throws ServletException {
        checkCreate("createServlet");
        return app.create(clazz);
    }

    @Override
    public ServletRegistration getServletRegistration(String servletName) {
        if (restricted) {
            throw new UnsupportedOperationException(ServletMessages.restrictedContext("getServletRegistration"));
        }
        return app.servlet(servletName);
    }

    @Override
    public Map<String, ? extends ServletRegistration> getServletRegistrations() {
        if (restricted) {
            throw new UnsupportedOperationException(ServletMessages.restrictedContext("getServletRegistrations"));
        }
        return app.servletRegistrations();
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, String className) {
        checkName(filterName);
        checkConfigurable("addFilter");
        return app.addFilter(filterName, className, null, null);
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Filter filter) {
        checkName(filterName);
        checkConfigurable("addFilter");
        return app.addFilter(filterName, null, null, filter);
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Class<? extends Filter> filterClass) {
        checkName(filterName);
        checkConfigurable("addFilter");
        return app.addFilter(filterName, null, filterClass, null);
    }

    @Override
    public <T extends Filter> T createFilter(Class<T> clazz) throws ServletException {
        checkCreate("createFilter");
        return app.create(clazz);
    }

    @Override
    public FilterRegistration getFilterRegistration(String filterName) {
        if (restricted) {
            throw new UnsupportedOperationException(ServletMessages.restrictedContext("getFilterRegistration"));
        }
        return app.filter(filterName);
    }

    @Override
    public Map<String, ? extends FilterRegistration> getFilterRegistrations() {
        if (restricted) {
            throw new UnsupportedOperationException(ServletMessages.restrictedContext("getFilterRegistrations"));
        }
        return app.filterRegistrations();
    }

    @Override
    public void addListener(String className) {
        checkConfigurable("addListener");
        app.addListener(className);
    }

    @Override
    public <T extends EventListener> void addListener(T listener) {
        checkConfigurable("addListener");
        app.addListener(listener);
    }

    @Override
    public void addListener(Class<? extends EventListener> listenerClass) {
        checkConfigurable("addListener");
        app.addListener(listenerClass);
    }

    @Override
    public <T extends EventListener> T createListener(Class<T> clazz) throws ServletException {
        checkCreate("createListener");
        return app.createListener(clazz);
    }

    @Override
    public JspConfigDescriptor getJspConfigDescriptor() {
        if (restricted) {
            throw new UnsupportedOperationException(ServletMessages.restrictedContext("getJspConfigDescriptor"));
        }
        // null when the app declares no jsp-config (the TCK's reading); Jasper copes with null
        return app.model().jspConfig().isEmpty() ? null : new MaltJspConfigDescriptor(app.model().jspConfig());
    }

    @Override
    public void declareRoles(String... roleNames) {
        checkConfigurable("declareRoles");
        app.security().declareRoles(roleNames);
    }

    private void checkCreate(String method) {
        if (restricted) {
            throw new UnsupportedOperationException(ServletMessages.restrictedContext(method));
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(ServletMessages.registrationNameEmpty());
        }
    }

    /** For messages and tests. */
    ServletHolder holder(String name) {
        return app.servlet(name);
    }
}
