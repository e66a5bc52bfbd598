package dev.malt.server.servlet.core;

import dev.malt.server.servlet.internal.MaltConfig;
import dev.malt.server.servlet.internal.ServletMessages;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.UnavailableException;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One servlet of a context: its registration (what the descriptors and {@code addServlet} said) and its
 * life (one instance, created and initialized once, on startup or on first use, destroyed at stop).
 * The registration is writable only while the context initializes.
 *
 * <p>Unavailability follows the spec (2.3.3.2): a permanent {@link UnavailableException} takes the
 * servlet out of service (its requests get 404); a temporary one answers 503 until it expires; any
 * other failure of {@code init} answers 500 and the next request tries again.
 */
public final class ServletHolder implements ServletRegistration.Dynamic {

    private final WebApp app;
    private final String name;
    private final String className;
    private final Class<? extends Servlet> servletClass;
    private final Servlet givenInstance;
    private final InitParameters initParams = new InitParameters();
    private final Set<String> mappings = Collections.synchronizedSet(new LinkedHashSet<>());
    private String jspFile;
    private int loadOnStartup = -1;
    private boolean asyncSupported;
    private boolean enabled = true;
    private MultipartConfigElement multipartConfig;
    private String runAsRole;
    private Map<String, String> roleRefs = Map.of();
    private ServletSecurityElement security;
    /** A {@code @ServletSecurity} of a class added by addServlet, applied once its mappings are known. */
    private ServletSecurityElement pendingSecurity;
    /** Added by the container itself (default, JSP): not reported as the app's registrations. */
    private boolean containerProvided;

    private volatile Servlet servlet;
    private volatile boolean permanentlyUnavailable;
    private volatile long unavailableUntil;
    /** The last failure came from the servlet's own init(), not from loading or creating it. */
    private volatile boolean failedInInit;

    ServletHolder(WebApp app, String name, String className, Class<? extends Servlet> servletClass, Servlet instance) {
        this.app = app;
        this.name = name;
        this.className = className != null ? className
                : servletClass != null ? servletClass.getName()
                : instance != null ? instance.getClass().getName() : null;
        this.servletClass = servletClass;
        this.givenInstance = instance;
    }

    // ---- the servlet's life

    /**
     * The initialized servlet, initializing it on first use.
     *
     * @throws UnavailableException when the servlet is out of service (permanently, or for a while)
     * @throws ServletException     when loading or {@code init} failed this time
     */
    public Servlet servlet() throws ServletException {
        Servlet s = servlet;
        if (s != null && unavailableUntil == 0) {
            return s;
        }
        checkAvailable(); // also for an initialized servlet that threw a temporary UnavailableException
        synchronized (this) {
            if (servlet == null) {
                checkAvailable();
                servlet = initialize();
            }
            return servlet;
        }
    }

    private void checkAvailable() throws UnavailableException {
        if (permanentlyUnavailable) {
            throw new UnavailableException(ServletMessages.servletUnavailable(name));
        }
        long until = unavailableUntil;
        if (until > 0) {
            long left = until - System.currentTimeMillis();
            if (left > 0) {
                throw new UnavailableException(ServletMessages.servletUnavailable(name),
                        (int) Math.max(1, (left + 999) / 1000));
            }
            unavailableUntil = 0;
        }
    }

    private Servlet initialize() throws ServletException {
        Servlet instance = givenInstance;
        if (instance == null) {
            try {
                Class<? extends Servlet> type = servletClass != null ? servletClass : app.loadServletClass(this);
                instance = app.instances().create(type);
            } catch (ServletException e) {
                throw e;
            } catch (Exception | LinkageError e) {
                throw new ServletException(ServletMessages.servletCreateFailed(name, className, e), e);
            }
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(app.classLoader());
        failedInInit = true;
        try {
            instance.init(MaltConfig.forServlet(name, app.context(), initParams.snapshot()));
            failedInInit = false;
        } catch (UnavailableException e) {
            if (e.isPermanent()) {
                permanentlyUnavailable = true;
            } else {
                unavailableUntil = System.currentTimeMillis() + Math.max(1, e.getUnavailableSeconds()) * 1000L;
            }
            throw e;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        return instance;
    }

    /** Takes a servlet that threw a permanent UnavailableException from service out of service. */
    public void markUnavailable(UnavailableException e) {
        if (e.isPermanent()) {
            permanentlyUnavailable = true;
            destroy();
        } else {
            unavailableUntil = System.currentTimeMillis() + Math.max(1, e.getUnavailableSeconds()) * 1000L;
        }
    }

    /** Calls {@code destroy()} if the servlet was initialized. Never throws. */
    public synchronized void destroy() {
        Servlet s = servlet;
        servlet = null;
        if (s == null) {
            return;
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(app.classLoader());
        try {
            s.destroy();
            if (givenInstance == null) {
                app.instances().destroy(s);
            }
        } catch (Throwable t) {
            app.log().error(ServletMessages.destroyFailed(app.appName(), name), t);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    public boolean failedInInit() {
        return failedInInit;
    }

    public boolean isInitialized() {
        return servlet != null;
    }

    public boolean isPermanentlyUnavailable() {
        return permanentlyUnavailable;
    }

    // ---- what the container reads

    public int loadOnStartup() {
        return loadOnStartup;
    }

    public boolean isAsyncSupported() {
        return asyncSupported;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public MultipartConfigElement multipartConfig() {
        return multipartConfig;
    }

    public String jspFile() {
        return jspFile;
    }

    public ServletSecurityElement servletSecurity() {
        return security;
    }

    ServletSecurityElement pendingSecurity() {
        return pendingSecurity;
    }

    void setPendingSecurity(ServletSecurityElement element) {
        this.pendingSecurity = element;
    }

    /** The role a {@code security-role-ref} links {@code role} to, or {@code role} itself. */
    public String linkedRole(String role) {
        String linked = roleRefs.get(role);
        return linked != null ? linked : role;
    }

    public boolean isContainerProvided() {
        return containerProvided;
    }

    Class<? extends Servlet> servletClass() {
        return servletClass;
    }

    Servlet givenInstance() {
        return givenInstance;
    }

    // ---- set by the container while it builds the context

    void setJspFile(String jspFile) {
        this.jspFile = jspFile;
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    void setRoleRefs(Map<String, String> roleRefs) {
        this.roleRefs = new HashMap<>(roleRefs);
    }

    void markContainerProvided() {
        this.containerProvided = true;
    }

    void addMappingUnchecked(String pattern) {
        mappings.add(pattern);
    }

    void removeMapping(String pattern) {
        mappings.remove(pattern);
    }

    // ---- ServletRegistration.Dynamic

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getClassName() {
        return className;
    }

    @Override
    public boolean setInitParameter(String name, String value) {
        app.checkInitializing("setInitParameter");
        return initParams.set(name, value);
    }

    @Override
    public String getInitParameter(String name) {
        return initParams.get(name);
    }

    @Override
    public Set<String> setInitParameters(Map<String, String> initParameters) {
        app.checkInitializing("setInitParameters");
        return initParams.setAll(initParameters);
    }

    @Override
    public Map<String, String> getInitParameters() {
        return initParams.snapshot();
    }

    /** Sets an init parameter from a descriptor; later descriptors do not override earlier ones. */
    void putInitParameter(String name, String value) {
        initParams.putIfAbsent(name, value);
    }

    @Override
    public Set<String> addMapping(String... urlPatterns) {
        if (urlPatterns == null || urlPatterns.length == 0) {
            throw new IllegalArgumentException(ServletMessages.mappingEmpty(name));
        }
        app.checkInitializing("addMapping");
        return app.addServletMappings(this, urlPatterns);
    }

    @Override
    public Collection<String> getMappings() {
        synchronized (mappings) {
            return Set.copyOf(mappings);
        }
    }

    @Override
    public String getRunAsRole() {
        return runAsRole;
    }

    @Override
    public void setLoadOnStartup(int loadOnStartup) {
        app.checkInitializing("setLoadOnStartup");
        this.loadOnStartup = loadOnStartup;
    }

    /** From descriptors, before the context initializes. */
    void initLoadOnStartup(int loadOnStartup) {
        this.loadOnStartup = loadOnStartup;
    }

    @Override
    public Set<String> setServletSecurity(ServletSecurityElement constraint) {
        if (constraint == null) {
            throw new IllegalArgumentException(ServletMessages.servletSecurityNull(name));
        }
        app.checkInitializing("setServletSecurity");
        this.security = constraint;
        return app.security().addServletSecurity(this, constraint);
    }

    @Override
    public void setMultipartConfig(MultipartConfigElement multipartConfig) {
        if (multipartConfig == null) {
            throw new IllegalArgumentException(ServletMessages.multipartConfigNull(name));
        }
        app.checkInitializing("setMultipartConfig");
        this.multipartConfig = multipartConfig;
    }

    void initMultipartConfig(MultipartConfigElement multipartConfig) {
        this.multipartConfig = multipartConfig;
    }

    @Override
    public void setRunAsRole(String roleName) {
        if (roleName == null) {
            throw new IllegalArgumentException(ServletMessages.runAsNull(name));
        }
        app.checkInitializing("setRunAsRole");
        this.runAsRole = roleName;
    }

    void initRunAsRole(String roleName) {
        this.runAsRole = roleName;
    }

    @Override
    public void setAsyncSupported(boolean isAsyncSupported) {
        app.checkInitializing("setAsyncSupported");
        this.asyncSupported = isAsyncSupported;
    }

    void initAsyncSupported(boolean isAsyncSupported) {
        this.asyncSupported = isAsyncSupported;
    }

    @Override
    public String toString() {
        return "servlet '" + name + "' (" + className + ")";
    }
}
