package dev.malt.server.servlet.internal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.descriptor.JspConfigDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.EventListener;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The ServletContext of a plain servlet app: one servlet mounted at {@code contextPath/*}.
 *
 * <p>Resources ({@code getResource}, {@code getRealPath}) resolve against the app's base directory;
 * paths that would climb out of it resolve to nothing. The app's init parameters are visible here as
 * context parameters too, because a plain servlet app has one parameter set and some libraries read
 * it from the context. Request bodies default to UTF-8 and responses to ISO-8859-1 (the Servlet
 * default) until the app changes them through this context. Everything that belongs to a WAR container
 * (dynamic registration, filters, listeners, sessions, roles) throws UnsupportedOperationException.
 */
public final class MaltServletContext implements ServletContext {

    /** Malt's container default for request bodies: browsers send forms as UTF-8 today. */
    public static final String DEFAULT_REQUEST_ENCODING = "UTF-8";
    /** The Servlet spec's default for response writers. */
    public static final String DEFAULT_RESPONSE_ENCODING = "ISO-8859-1";

    private final String appName;
    private final String contextPath;
    private final Path baseDir;
    private final ClassLoader classLoader;
    private final Map<String, String> initParameters;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Logger appLog;
    private volatile String requestEncoding = DEFAULT_REQUEST_ENCODING;
    private volatile String responseEncoding;

    public MaltServletContext(String appName, String contextPath, Path baseDir, ClassLoader classLoader,
                              Map<String, String> initParameters, Path tempDir) {
        this.appName = appName;
        this.contextPath = contextPath;
        this.baseDir = baseDir;
        this.classLoader = classLoader;
        this.initParameters = Map.copyOf(initParameters);
        this.appLog = LoggerFactory.getLogger("malt.app." + appName);
        attributes.put(TEMPDIR, tempDir.toFile());
    }

    @Override
    public String getContextPath() {
        return contextPath;
    }

    @Override
    public ServletContext getContext(String uripath) {
        if (uripath == null) {
            return null;
        }
        boolean inside = contextPath.isEmpty() || uripath.equals(contextPath) || uripath.startsWith(contextPath + "/");
        return inside ? this : null; // other apps run in other JVMs
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
        return 6;
    }

    @Override
    public int getEffectiveMinorVersion() {
        return 1;
    }

    @Override
    public String getMimeType(String file) {
        return file == null ? null : MimeTypes.forFileName(file);
    }

    @Override
    public Set<String> getResourcePaths(String path) {
        Path dir = resolve(path);
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        String prefix = path.endsWith("/") ? path : path + "/";
        Set<String> paths = new TreeSet<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.forEach(child -> paths.add(prefix + child.getFileName()
                    + (Files.isDirectory(child) ? "/" : "")));
        } catch (IOException e) {
            return null;
        }
        return paths;
    }

    @Override
    public URL getResource(String path) throws MalformedURLException {
        if (path == null || !path.startsWith("/")) {
            throw new MalformedURLException(ServletMessages.resourcePathNotAbsolute(path));
        }
        Path file = resolve(path);
        return file != null && Files.exists(file) ? file.toUri().toURL() : null;
    }

    @Override
    public InputStream getResourceAsStream(String path) {
        Path file = resolve(path);
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
        Path file = resolve(path == null || path.isEmpty() ? "/" : path);
        return file == null ? null : file.toString();
    }

    /** {@code path} below the base directory, or {@code null} when it would leave it. */
    private Path resolve(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        Path file = baseDir.resolve(path.substring(1)).normalize();
        return file.startsWith(baseDir) ? file : null;
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        return null; // dispatching arrives with the WAR container
    }

    @Override
    public RequestDispatcher getNamedDispatcher(String name) {
        return null;
    }

    @Override
    public void log(String msg) {
        appLog.info(msg);
    }

    @Override
    public void log(String message, Throwable throwable) {
        appLog.error(message, throwable);
    }

    @Override
    public String getServerInfo() {
        return "Malt/" + MaltVersion.version();
    }

    @Override
    public String getInitParameter(String name) {
        return name == null ? null : initParameters.get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(initParameters.keySet());
    }

    @Override
    public boolean setInitParameter(String name, String value) {
        throw new IllegalStateException(ServletMessages.contextAlreadyInitialized("setInitParameter"));
    }

    @Override
    public Object getAttribute(String name) {
        return name == null ? null : attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(Set.copyOf(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object object) {
        if (name == null) {
            throw new NullPointerException(ServletMessages.attributeNameNull());
        }
        if (object == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, object);
        }
    }

    @Override
    public void removeAttribute(String name) {
        if (name != null) {
            attributes.remove(name);
        }
    }

    @Override
    public String getServletContextName() {
        return appName;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public String getVirtualServerName() {
        return "Malt/" + appName;
    }

    @Override
    public String getRequestCharacterEncoding() {
        return requestEncoding;
    }

    @Override
    public void setRequestCharacterEncoding(String encoding) {
        requestEncoding = encoding;
    }

    @Override
    public String getResponseCharacterEncoding() {
        return responseEncoding;
    }

    @Override
    public void setResponseCharacterEncoding(String encoding) {
        responseEncoding = encoding;
    }

    @Override
    public void setRequestCharacterEncoding(Charset encoding) {
        requestEncoding = encoding == null ? null : encoding.name();
    }

    @Override
    public void setResponseCharacterEncoding(Charset encoding) {
        responseEncoding = encoding == null ? null : encoding.name();
    }

    // ---- what a plain servlet app does not have: sessions, registration, listeners, roles, JSP

    @Override
    public int getSessionTimeout() {
        return 0;
    }

    @Override
    public void setSessionTimeout(int sessionTimeout) {
        throw warOnly("setSessionTimeout");
    }

    @Override
    public SessionCookieConfig getSessionCookieConfig() {
        throw warOnly("getSessionCookieConfig");
    }

    @Override
    public void setSessionTrackingModes(Set<SessionTrackingMode> sessionTrackingModes) {
        throw warOnly("setSessionTrackingModes");
    }

    @Override
    public Set<SessionTrackingMode> getDefaultSessionTrackingModes() {
        return Collections.emptySet();
    }

    @Override
    public Set<SessionTrackingMode> getEffectiveSessionTrackingModes() {
        return Collections.emptySet();
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, String className) {
        throw warOnly("addServlet");
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Servlet servlet) {
        throw warOnly("addServlet");
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Class<? extends Servlet> servletClass) {
        throw warOnly("addServlet");
    }

    @Override
    public ServletRegistration.Dynamic addJspFile(String servletName, String jspFile) {
        throw warOnly("addJspFile");
    }

    @Override
    public <T extends Servlet> T createServlet(Class<T> clazz) {
        throw warOnly("createServlet");
    }

    @Override
    public ServletRegistration getServletRegistration(String servletName) {
        return null;
    }

    @Override
    public Map<String, ? extends ServletRegistration> getServletRegistrations() {
        return Collections.emptyMap();
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, String className) {
        throw warOnly("addFilter");
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Filter filter) {
        throw warOnly("addFilter");
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Class<? extends Filter> filterClass) {
        throw warOnly("addFilter");
    }

    @Override
    public <T extends Filter> T createFilter(Class<T> clazz) {
        throw warOnly("createFilter");
    }

    @Override
    public FilterRegistration getFilterRegistration(String filterName) {
        return null;
    }

    @Override
    public Map<String, ? extends FilterRegistration> getFilterRegistrations() {
        return Collections.emptyMap();
    }

    @Override
    public void addListener(String className) {
        throw warOnly("addListener");
    }

    @Override
    public <T extends EventListener> void addListener(T listener) {
        throw warOnly("addListener");
    }

    @Override
    public void addListener(Class<? extends EventListener> listenerClass) {
        throw warOnly("addListener");
    }

    @Override
    public <T extends EventListener> T createListener(Class<T> clazz) {
        throw warOnly("createListener");
    }

    @Override
    public JspConfigDescriptor getJspConfigDescriptor() {
        return null;
    }

    @Override
    public void declareRoles(String... roleNames) {
        throw warOnly("declareRoles");
    }

    private static UnsupportedOperationException warOnly(String method) {
        return new UnsupportedOperationException(ServletMessages.warContainerOnly(method));
    }
}
