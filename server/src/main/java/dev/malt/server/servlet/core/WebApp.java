package dev.malt.server.servlet.core;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.deploy.DeployedApp;
import dev.malt.server.servlet.deploy.FilterMappingModel;
import dev.malt.server.servlet.deploy.FilterModel;
import dev.malt.server.servlet.deploy.InitializerModel;
import dev.malt.server.servlet.deploy.MultipartConfigModel;
import dev.malt.server.servlet.deploy.ServletModel;
import dev.malt.server.servlet.deploy.WebAppModel;
import dev.malt.server.servlet.internal.ClientAbortException;
import dev.malt.server.servlet.internal.MaltHttpRequest;
import dev.malt.server.servlet.internal.MaltHttpResponse;
import dev.malt.server.servlet.internal.MaltServletContext;
import dev.malt.server.servlet.internal.RequestRejectedException;
import dev.malt.server.servlet.internal.RequestSession;
import dev.malt.server.servlet.internal.ServletMessages;
import jakarta.servlet.Filter;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.UnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EventListener;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One running context, built from a {@link DeployedApp}: its servlets, filters and listeners, the
 * mapper, the dispatcher, error pages, sessions and security, and the request's way through them.
 *
 * <p><b>Startup</b> (Servlet spec 4.4, 8.2, 11.3): descriptor registrations; the container's own
 * servlets (default, JSP); the {@code ServletContainerInitializer}s; the declared listeners;
 * {@code contextInitialized}; then registration closes, the mapper is built, every filter is
 * initialized and the load-on-startup servlets are. Any failure there fails the deployment with one
 * message for the operator.
 *
 * <p><b>A request</b>: request listeners, the context-root redirect, security constraints, the REQUEST
 * dispatch, the error page for whatever went wrong, and completion, which an async request defers.
 */
public final class WebApp {

    /**
     * What a context needs from the worker it runs in. {@code clock} is what session times are read
     * from (the system clock; tests move their own); {@code sessionStores} opens the context's session
     * store, whose expired sessions are looked for every {@code sessionSweepSeconds}.
     */
    public record Environment(String appName, Executor executor, ScheduledExecutorService timers, int workers,
                              Contexts host, MultipartParser multipart, List<ContainerFeature> features,
                              Clock clock, SessionStore.Factory sessionStores, int sessionSweepSeconds) {

        /** Sessions in this worker's memory. */
        public Environment(String appName, Executor executor, ScheduledExecutorService timers, int workers,
                           Contexts host, MultipartParser multipart, List<ContainerFeature> features,
                           Clock clock) {
            this(appName, executor, timers, workers, host, multipart, features, clock,
                    MemorySessionStore.factory(MemorySessionStore.DEFAULT_MAX_SESSIONS),
                    SessionManager.DEFAULT_SWEEP_SECONDS);
        }

        public Environment(String appName, Executor executor, ScheduledExecutorService timers, int workers,
                           Contexts host, MultipartParser multipart, List<ContainerFeature> features) {
            this(appName, executor, timers, workers, host, multipart, features, Clock.systemUTC());
        }
    }

    /** The contexts of one host, for {@code ServletContext#getContext}. */
    public interface Contexts {
        WebApp contextFor(String uri);

        /** The host's locale-to-charset defaults ({@code locale-encoding}), below each app's own mapping. */
        default java.util.Map<String, String> localeEncodings() {
            return java.util.Map.of();
        }
    }

    /** Something the container adds to a context at startup (the default servlet, JSP support). */
    public interface ContainerFeature {
        void configure(WebApp app) throws AppLoadException;
    }

    private enum State { CREATED, INITIALIZING, STARTING, RUNNING, STOPPED }

    private final DeployedApp deployed;
    private final WebAppModel model;
    private final Environment env;
    private final Logger log;
    private final InstanceFactory instances = new InstanceFactory();
    private final Map<String, ServletHolder> servlets = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, FilterHolder> filters = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, ServletHolder> mappings = Collections.synchronizedMap(new LinkedHashMap<>());
    private final FilterChains filterChains = new FilterChains();
    private final AppListeners listeners;
    private final ErrorPages errorPages;
    private final WebResources resources;
    private final Dispatcher dispatcher = new Dispatcher(this);
    private final SessionManager sessions;
    private final Security security;
    private final java.util.concurrent.atomic.LongAdder exceptions = new java.util.concurrent.atomic.LongAdder();
    private final MaltServletContext context;
    private final MaltServletContext restrictedContext;
    private volatile State state = State.CREATED;
    private volatile ServletMapper mapper;
    private ServletHolder containerDefault;
    /** Set while initializers run: only they may add context listeners. */
    private boolean inInitializers;

    public WebApp(DeployedApp deployed, Environment env) {
        this.deployed = deployed;
        this.model = deployed.model();
        this.env = env;
        this.log = LoggerFactory.getLogger("malt.app." + env.appName());
        this.listeners = new AppListeners(log);
        this.errorPages = new ErrorPages(model.errorPages());
        this.resources = new WebResources(deployed.resourceRoots());
        this.context = new MaltServletContext(this, model.contextParams());
        this.restrictedContext = context.restrictedView();
        this.sessions = new SessionManager(this, env.sessionStores(), model.sessionConfig(), env.workers(),
                env.sessionSweepSeconds());
        this.security = new Security(this);
    }

    // ---- accessors for the rest of the container

    public String appName() {
        return env.appName();
    }

    public String contextPath() {
        return deployed.contextPath();
    }

    public WebAppModel model() {
        return model;
    }

    public DeployedApp deployed() {
        return deployed;
    }

    public MaltServletContext context() {
        return context;
    }

    public ClassLoader classLoader() {
        return deployed.classLoader();
    }

    public Logger log() {
        return log;
    }

    public AppListeners listeners() {
        return listeners;
    }

    public SessionManager sessions() {
        return sessions;
    }

    public Security security() {
        return security;
    }

    public WebResources resources() {
        return resources;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public FilterChains filterChains() {
        return filterChains;
    }

    public InstanceFactory instances() {
        return instances;
    }

    public Executor executor() {
        return env.executor();
    }

    public ScheduledExecutorService timers() {
        return env.timers();
    }

    public Clock clock() {
        return env.clock();
    }

    public MultipartParser multipart() {
        return env.multipart();
    }

    public Contexts host() {
        return env.host();
    }

    public Path tempDir() {
        return deployed.tempDir();
    }

    public ErrorPages errorPages() {
        return errorPages;
    }

    public ServletMapper mapper() {
        ServletMapper m = mapper;
        return m != null ? m : buildMapper();
    }

    /** Requests that failed with an uncaught exception (answered 500, or aborted when committed). */
    public long exceptionCount() {
        return exceptions.sum();
    }

    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Throws unless the context is still being initialized (spec: registration closes after contextInitialized). */
    public void checkInitializing(String method) {
        if (state != State.INITIALIZING) {
            throw new IllegalStateException(ServletMessages.contextAlreadyInitialized(method));
        }
    }

    public void withClassLoader(Runnable task) {
        try {
            withClassLoaderChecked(task::run);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // a Runnable throws no checked exception
        }
    }

    @FunctionalInterface
    public interface CheckedTask {
        void run() throws Exception;
    }

    public void withClassLoaderChecked(CheckedTask task) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader());
        try {
            task.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    // ---- registration (descriptors, the container, and ServletContext.add*)

    public ServletHolder servlet(String name) {
        return name == null ? null : servlets.get(name);
    }

    public Map<String, ServletHolder> servletRegistrations() {
        synchronized (servlets) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(servlets));
        }
    }

    public FilterHolder filter(String name) {
        return name == null ? null : filters.get(name);
    }

    public Map<String, FilterHolder> filterRegistrations() {
        synchronized (filters) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(filters));
        }
    }

    /**
     * {@code addServlet}: a new servlet, or the completion of one a descriptor declared without a class;
     * {@code null} when a complete servlet of that name exists.
     */
    public ServletHolder addServlet(String name, String className, Class<? extends Servlet> type, Servlet instance) {
        synchronized (servlets) {
            ServletHolder existing = servlets.get(name);
            if (existing != null && existing.getClassName() != null && !existing.isContainerProvided()) {
                return null;
            }
            ServletHolder holder = new ServletHolder(this, name, className, type, instance);
            applyClassAnnotations(holder, type != null ? type : instance != null ? instance.getClass()
                    : loadQuietly(className));
            if (existing != null) {
                for (String pattern : existing.getMappings()) {
                    holder.addMappingUnchecked(pattern);
                    mappings.put(pattern, holder);
                }
            }
            servlets.put(name, holder);
            mapper = null;
            return holder;
        }
    }

    /**
     * Spec 4.4.3.5: a servlet added by class or class name brings its {@code @MultipartConfig},
     * {@code @ServletSecurity}, {@code @RunAs} and {@code @DeclareRoles} (not an instance: the app
     * configured that one itself). {@code @ServletSecurity} waits for the servlet's mappings.
     */
    private void applyClassAnnotations(ServletHolder holder, Class<?> type) {
        if (type == null || holder.givenInstance() != null) {
            return;
        }
        jakarta.servlet.annotation.MultipartConfig multipart =
                type.getAnnotation(jakarta.servlet.annotation.MultipartConfig.class);
        if (multipart != null) {
            holder.initMultipartConfig(new MultipartConfigElement(multipart));
        }
        jakarta.servlet.annotation.ServletSecurity servletSecurity =
                type.getAnnotation(jakarta.servlet.annotation.ServletSecurity.class);
        if (servletSecurity != null) {
            holder.setPendingSecurity(new jakarta.servlet.ServletSecurityElement(servletSecurity));
        }
        for (java.lang.annotation.Annotation a : type.getAnnotations()) {
            String name = a.annotationType().getName();
            try {
                if (name.endsWith(".annotation.security.RunAs")) {
                    holder.initRunAsRole((String) a.annotationType().getMethod("value").invoke(a));
                } else if (name.endsWith(".annotation.security.DeclareRoles")) {
                    security.declareRoles((String[]) a.annotationType().getMethod("value").invoke(a));
                }
            } catch (ReflectiveOperationException | ClassCastException e) {
                log.debug("annotation {} on {} not read: {}", name, type.getName(), e.toString());
            }
        }
    }

    private Class<?> loadQuietly(String className) {
        if (className == null) {
            return null;
        }
        try {
            return Class.forName(className, false, classLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // reported when the servlet is loaded for real
        }
    }

    public ServletHolder addJspFile(String name, String jspFile) {
        ServletHolder holder = addServlet(name, JspSupport.JSP_SERVLET_CLASS, null, null);
        if (holder != null) {
            holder.setJspFile(jspFile);
            holder.putInitParameter("jspFile", jspFile);
        }
        return holder;
    }

    /** A servlet the container provides (default, JSP), replaceable by the app's own of that name. */
    public ServletHolder addContainerServlet(String name, Servlet instance, String... patterns) {
        ServletHolder holder = new ServletHolder(this, name, null, null, instance);
        holder.markContainerProvided();
        holder.initAsyncSupported(true);
        servlets.put(name, holder);
        for (String pattern : patterns) {
            if (!mappings.containsKey(pattern)) {
                mappings.put(pattern, holder);
                holder.addMappingUnchecked(pattern);
            }
        }
        mapper = null;
        return holder;
    }

    Set<String> addServletMappings(ServletHolder holder, String... patterns) {
        Set<String> conflicts = new LinkedHashSet<>();
        synchronized (servlets) {
            for (String pattern : patterns) {
                if (!ServletMapper.isValidPattern(pattern)) {
                    throw new IllegalArgumentException(ServletMessages.invalidUrlPattern(pattern, holder.getName()));
                }
                ServletHolder owner = mappings.get(pattern);
                if (owner != null && owner != holder && !owner.isContainerProvided()) {
                    conflicts.add(pattern);
                }
            }
            if (!conflicts.isEmpty()) {
                return conflicts;
            }
            for (String pattern : patterns) {
                ServletHolder owner = mappings.put(pattern, holder);
                if (owner != null && owner != holder) {
                    owner.removeMapping(pattern);
                }
                holder.addMappingUnchecked(pattern);
            }
            mapper = null;
        }
        return conflicts;
    }

    public FilterHolder addFilter(String name, String className, Class<? extends Filter> type, Filter instance) {
        synchronized (filters) {
            FilterHolder existing = filters.get(name);
            if (existing != null && existing.getClassName() != null) {
                return null;
            }
            FilterHolder holder = new FilterHolder(this, name, className, type, instance);
            filters.put(name, holder);
            return holder;
        }
    }

    public void addListener(String className) {
        Class<?> type;
        try {
            type = classLoader().loadClass(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(ServletMessages.listenerClassNotFound(className, e), e);
        }
        if (!EventListener.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(ServletMessages.notAListener(className));
        }
        @SuppressWarnings("unchecked")
        Class<? extends EventListener> listenerType = (Class<? extends EventListener>) type;
        addListener(listenerType);
    }

    public void addListener(Class<? extends EventListener> type) {
        checkListenerType(type);
        EventListener listener;
        try {
            listener = instances.create(type);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException(ServletMessages.listenerCreateFailed(type.getName(), e), e);
        }
        addListener(listener);
    }

    public <T extends EventListener> void addListener(T listener) {
        checkListenerType(listener.getClass());
        listeners.add(listener, false);
    }

    private void checkListenerType(Class<?> type) {
        boolean supported = false;
        for (Class<? extends EventListener> kind : AppListeners.KINDS) {
            if (kind.isAssignableFrom(type)) {
                supported = true;
                break;
            }
        }
        if (!supported) {
            throw new IllegalArgumentException(ServletMessages.notAListener(type.getName()));
        }
        if (ServletContextListener.class.isAssignableFrom(type) && !inInitializers) {
            throw new IllegalArgumentException(ServletMessages.contextListenerOutsideInitializer(type.getName()));
        }
    }

    public <T extends EventListener> T createListener(Class<T> type) throws ServletException {
        checkListenerType(type);
        return create(type);
    }

    /** {@code createServlet}, {@code createFilter}: a new instance with its {@code @PostConstruct} run. */
    public <T> T create(Class<T> type) throws ServletException {
        try {
            return instances.create(type);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ServletException(ServletMessages.instanceCreateFailed(type.getName(), e), e);
        }
    }

    Class<? extends Servlet> loadServletClass(ServletHolder holder) throws ServletException {
        return loadClass(holder.getClassName(), Servlet.class, "servlet '" + holder.getName() + "'");
    }

    Class<? extends Filter> loadFilterClass(FilterHolder holder) throws ServletException {
        return loadClass(holder.getClassName(), Filter.class, "filter '" + holder.getName() + "'");
    }

    private <T> Class<? extends T> loadClass(String className, Class<T> kind, String what) throws ServletException {
        if (className == null) {
            throw new ServletException(ServletMessages.noClassFor(what));
        }
        Class<?> type;
        try {
            type = Class.forName(className, false, classLoader());
        } catch (ClassNotFoundException e) {
            throw new ServletException(ServletMessages.classNotInApp(what, className, deployed.source()), e);
        } catch (LinkageError e) {
            throw new ServletException(ServletMessages.classUnloadable(what, className, e), e);
        }
        if (!kind.isAssignableFrom(type)) {
            throw new ServletException(ServletMessages.wrongKind(what, className, kind.getName()));
        }
        return type.asSubclass(kind);
    }

    private ServletMapper buildMapper() {
        Map<String, ServletHolder> snapshot;
        synchronized (servlets) {
            snapshot = new LinkedHashMap<>(mappings);
        }
        List<String> welcome = model.welcomeFiles() != null ? model.welcomeFiles()
                : List.of("index.html", "index.htm", "index.jsp");
        ServletMapper built = new ServletMapper(snapshot, containerDefault, welcome, resources::isFile);
        if (state == State.RUNNING || state == State.STARTING) {
            mapper = built;
        }
        return built;
    }

    // ---- startup

    /** Brings the context up; on failure everything started so far is stopped again. */
    public void start() throws AppLoadException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader());
        try {
            startInternal();
        } catch (AppLoadException e) {
            stop();
            throw e;
        } catch (RuntimeException | Error e) {
            stop();
            throw new AppLoadException(ServletMessages.startFailed(appName(), contextPath(), e), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void startInternal() throws AppLoadException {
        state = State.INITIALIZING;
        context.setAttributeQuietly(ServletContext.TEMPDIR, deployed.tempDir().toFile());
        if (model.orderedLibs() != null) {
            context.setAttributeQuietly(ServletContext.ORDERED_LIBS, List.copyOf(model.orderedLibs()));
        }
        for (ContainerFeature feature : env.features()) {
            feature.configure(this);
        }
        registerDescriptorServlets();
        registerDescriptorFilters();
        security.configure(model);
        runInitializers();
        for (String className : model.listeners()) {
            listeners.add(declaredListener(className), true);
        }
        try {
            listeners.contextInitialized(context, restrictedContext, (listener, call) -> call.run());
        } catch (Exception e) {
            throw new AppLoadException(ServletMessages.contextInitializedFailed(appName(), contextPath(), e), e);
        }
        for (ServletHolder holder : List.copyOf(servlets.values())) {
            if (holder.pendingSecurity() != null && holder.servletSecurity() == null) {
                security.addServletSecurity(holder, holder.pendingSecurity());
            }
        }
        state = State.STARTING;
        mapper = buildMapper();
        for (FilterHolder filter : List.copyOf(filters.values())) {
            try {
                filter.start();
            } catch (ServletException | RuntimeException | LinkageError e) {
                throw new AppLoadException(ServletMessages.filterInitFailed(appName(), filter.getName(), e), e);
            }
        }
        List<ServletHolder> onStartup = new ArrayList<>();
        for (ServletHolder holder : List.copyOf(servlets.values())) {
            if (holder.loadOnStartup() >= 0 && holder.isEnabled()) {
                onStartup.add(holder);
            }
        }
        onStartup.sort(Comparator.comparingInt(ServletHolder::loadOnStartup));
        for (ServletHolder holder : onStartup) {
            try {
                holder.servlet();
            } catch (ServletException | RuntimeException | LinkageError e) {
                throw new AppLoadException(ServletMessages.servletInitFailed(appName(), holder.getName(),
                        holder.getClassName(), holder.failedInInit(), e), e);
            }
        }
        security.start();
        sessions.start();
        if (env.workers() > 1 && !sessions.isShared()
                && (listeners.hasSessionListeners() || model.sessionConfig().timeoutMinutes() != null)) {
            log.warn(ServletMessages.sessionsNotShared(appName(), env.workers()));
        }
        state = State.RUNNING;
    }

    private void registerDescriptorServlets() throws AppLoadException {
        for (ServletModel s : model.servlets()) {
            String className = s.className();
            if (className == null && s.jspFile() != null) {
                className = JspSupport.JSP_SERVLET_CLASS;
            }
            ServletHolder holder;
            ServletHolder existing = servlets.get(s.name());
            if (className == null && existing != null) {
                holder = existing; // maps more URLs to a container servlet ("default", "jsp")
            } else {
                holder = new ServletHolder(this, s.name(), className, null, null);
                servlets.put(s.name(), holder);
                if (existing != null) {
                    for (String pattern : existing.getMappings()) {
                        mappings.remove(pattern);
                    }
                }
            }
            s.initParams().forEach(holder::putInitParameter);
            if (s.jspFile() != null) {
                holder.setJspFile(s.jspFile());
                holder.putInitParameter("jspFile", s.jspFile());
            }
            if (s.loadOnStartup() != null) {
                holder.initLoadOnStartup(s.loadOnStartup());
            }
            if (!holder.isContainerProvided()) {
                holder.initAsyncSupported(s.asyncSupported());
            }
            holder.setEnabled(s.enabled());
            if (s.multipartConfig() != null) {
                MultipartConfigModel m = s.multipartConfig();
                holder.initMultipartConfig(new MultipartConfigElement(m.location(), m.maxFileSize(),
                        m.maxRequestSize(), m.fileSizeThreshold()));
            }
            if (s.runAs() != null) {
                holder.initRunAsRole(s.runAs());
            }
            holder.setRoleRefs(s.roleRefs());
            for (String pattern : s.urlPatterns()) {
                if (!ServletMapper.isValidPattern(pattern)) {
                    throw new AppLoadException(ServletMessages.invalidUrlPattern(pattern, s.name()));
                }
                ServletHolder owner = mappings.get(pattern);
                if (owner != null && owner != holder && !owner.isContainerProvided()) {
                    throw new AppLoadException(ServletMessages.duplicateMapping(pattern, owner.getName(), s.name()));
                }
                if (owner != null && owner != holder) {
                    owner.removeMapping(pattern);
                }
                mappings.put(pattern, holder);
                holder.addMappingUnchecked(pattern);
            }
        }
    }

    private void registerDescriptorFilters() throws AppLoadException {
        for (FilterModel f : model.filters()) {
            FilterHolder holder = new FilterHolder(this, f.name(), f.className(), null, null);
            f.initParams().forEach(holder::putInitParameter);
            holder.initAsyncSupported(f.asyncSupported());
            filters.put(f.name(), holder);
        }
        for (FilterMappingModel m : model.filterMappings()) {
            FilterHolder holder = filters.get(m.filterName());
            if (holder == null) {
                throw new AppLoadException(ServletMessages.filterMappingUnknown(m.filterName()));
            }
            filterChains.addDeclared(new FilterMapping(holder, m.urlPatterns(), m.servletNames(), m.dispatcherTypes()));
        }
    }

    private void runInitializers() throws AppLoadException {
        inInitializers = true;
        try {
            for (InitializerModel initializer : model.initializers()) {
                runInitializer(initializer);
            }
        } finally {
            inInitializers = false;
        }
    }

    private void runInitializer(InitializerModel model) throws AppLoadException {
        ServletContainerInitializer sci;
        Set<Class<?>> types = null;
        try {
            Class<?> type = Class.forName(model.className(), true, classLoader());
            sci = (ServletContainerInitializer) instances.create(type);
            if (model.handledTypes() != null) {
                types = new LinkedHashSet<>();
                for (String name : model.handledTypes()) {
                    try {
                        types.add(Class.forName(name, false, classLoader()));
                    } catch (ClassNotFoundException | LinkageError e) {
                        log.debug("initializer {}: skipping {} ({})", model.className(), name, e.toString());
                    }
                }
                if (types.isEmpty()) {
                    types = null; // the spec: null when no class matched
                }
            }
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            throw new AppLoadException(ServletMessages.initializerLoadFailed(appName(), model.className(), e), e);
        }
        try {
            sci.onStartup(types, context);
        } catch (Exception | LinkageError e) {
            throw new AppLoadException(ServletMessages.initializerFailed(appName(), model.className(), e), e);
        }
    }

    /** Runs a container-provided initializer (Jasper's) the way the app's own run. */
    public void runContainerInitializer(ServletContainerInitializer sci) throws AppLoadException {
        inInitializers = true;
        try {
            sci.onStartup(null, context);
        } catch (Exception | LinkageError e) {
            throw new AppLoadException(ServletMessages.initializerFailed(appName(), sci.getClass().getName(), e), e);
        } finally {
            inInitializers = false;
        }
    }

    private EventListener declaredListener(String className) throws AppLoadException {
        try {
            Class<?> type = Class.forName(className, true, classLoader());
            if (AppListeners.KINDS.stream().noneMatch(kind -> kind.isAssignableFrom(type))) {
                throw new AppLoadException(ServletMessages.notAListener(className));
            }
            return (EventListener) instances.create(type);
        } catch (ClassNotFoundException e) {
            throw new AppLoadException(ServletMessages.classNotInApp("listener", className, deployed.source()), e);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new AppLoadException(ServletMessages.listenerCreateFailed(className, e), e);
        }
    }

    /** The container's default servlet holder, set by the default-servlet feature. */
    public void setContainerDefault(ServletHolder holder) {
        this.containerDefault = holder;
    }

    // ---- stop

    /** Destroys servlets and filters, then tells the context listeners (spec 11.3.3). Idempotent. */
    public void stop() {
        if (state == State.STOPPED) {
            return;
        }
        boolean initialized = state != State.CREATED;
        state = State.STOPPED;
        if (!initialized) {
            return;
        }
        withClassLoader(() -> {
            List<ServletHolder> holders = new ArrayList<>(servlets.values());
            holders.sort(Comparator.comparingInt(ServletHolder::loadOnStartup).reversed());
            for (ServletHolder holder : holders) {
                holder.destroy();
            }
            List<FilterHolder> filterList = new ArrayList<>(filters.values());
            Collections.reverse(filterList);
            for (FilterHolder filter : filterList) {
                filter.destroy();
            }
            sessions.close();
            listeners.contextDestroyed(context, restrictedContext);
            for (EventListener listener : listeners.all()) {
                instances.destroy(listener);
            }
        });
    }

    // ---- requests

    /**
     * Runs the first dispatch of a request on the calling app thread, then completes it, unless the
     * app went async: then completion comes later, from another thread.
     */
    public void serve(MaltHttpRequest request) {
        MaltHttpResponse response = request.response();
        try {
            if (listeners.hasRequestListeners()) {
                listeners.requestInitialized(context, request);
            }
            String path = request.model().pathInfo();
            if (path == null) {
                String query = request.getQueryString();
                response.sendRedirect(request.getRequestURI() + "/" + (query == null ? "" : "?" + query), 302, true);
            } else if (WebResources.isProtected(path)) {
                response.sendError(404); // spec 10.5: never to a client, whatever servlet (JSPs included) maps there
            } else {
                ServletMapper.Match match = mapper().map(path);
                if (security.permits(request, response, path, match)) {
                    dispatcher.request(request, match);
                }
            }
        } catch (Throwable t) {
            handleFailure(request, t);
        }
        AsyncStateMachine async = request.asyncMachineIfAny();
        if (async != null) {
            async.dispatchReturned();
        } else {
            finishRequest(request);
        }
    }

    /** An async dispatch, on a container thread; failures go to the async error handling. */
    void asyncDispatch(MaltHttpRequest request, ServletRequest req, ServletResponse resp,
                       AsyncStateMachine.Target target) {
        WebApp into = target.app() != null ? target.app() : request.app();
        into.withClassLoader(() -> {
            try {
                into.dispatcher().async(request, req, resp, target.path());
            } catch (Throwable t) {
                handleFailure(request, t);
            }
        });
    }

    private void handleFailure(MaltHttpRequest request, Throwable failure) {
        AsyncStateMachine async = request.asyncMachineIfAny();
        if (async != null && isAbort(failure) == null) {
            if (request.isAsyncStarted() || request.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
                logFailure(request, failure, 500);
                async.error(failure);
                return;
            }
        }
        errorPageFor(request, failure);
    }

    /**
     * After an async failure or timeout that no listener handled: the error page for the failure, or
     * for status 500. Completion follows.
     */
    void errorAfterAsync(MaltHttpRequest request, Throwable failure) {
        withClassLoader(() -> {
            if (failure != null) {
                errorPageFor(request, failure);
            } else {
                MaltHttpResponse response = request.response();
                if (!response.output().isCommitted()) {
                    showErrorPage(request, 500, null, null, errorPages.forStatus(500));
                }
            }
        });
    }

    private void errorPageFor(MaltHttpRequest request, Throwable failure) {
        MaltHttpResponse response = request.response();
        ClientAbortException abort = isAbort(failure);
        if (abort != null) {
            log.debug(ServletMessages.clientAborted(appName(), request.getMethod(), request.getRequestURI(),
                    abort.reason()));
            response.output().abort(failure);
            return;
        }
        RequestRejectedException rejected = rejected(failure);
        int status;
        String message = null;
        String retryAfter = null;
        if (rejected != null) {
            status = rejected.status();
            log.info(ServletMessages.requestRejected(appName(), status, request.getMethod(), request.getRequestURI(),
                    rejected.getMessage()));
        } else {
            Throwable root = rootCause(failure);
            if (root instanceof UnavailableException unavailable) {
                ServletHolder holder = request.servlet();
                if (holder != null) {
                    holder.markUnavailable(unavailable);
                }
                status = unavailable.isPermanent() ? 404 : 503;
                if (!unavailable.isPermanent()) {
                    retryAfter = Integer.toString(Math.max(1, unavailable.getUnavailableSeconds()));
                }
            } else {
                status = 500;
            }
            logFailure(request, failure, status);
            message = root.getMessage();
        }
        if (response.output().isCommitted()) {
            response.output().abort(failure);
            return;
        }
        response.discardForFailure();
        if (retryAfter != null) {
            response.setHeader("Retry-After", retryAfter);
        }
        if (rejected != null) {
            showErrorPage(request, status, null, null, errorPages.forStatus(status));
            return;
        }
        ErrorPages.Found found = errorPages.forException(failure);
        if (found != null) {
            showErrorPage(request, 500, found.matched().getMessage(), found.matched(), found.location());
        } else {
            showErrorPage(request, status, message, failure, errorPages.forStatus(status));
        }
    }

    private void logFailure(MaltHttpRequest request, Throwable failure, int status) {
        if (status == 500) {
            exceptions.increment();
        }
        if (status == 404 || status == 503) {
            log.warn(ServletMessages.requestFailed(appName(), request.getMethod(), request.getRequestURI(), status)
                    + ": " + failure);
        } else if (request.response().output().isCommitted()) {
            log.error(ServletMessages.requestFailedAfterCommit(appName(), request.getMethod(), request.getRequestURI()),
                    failure);
        } else {
            log.error(ServletMessages.requestFailed(appName(), request.getMethod(), request.getRequestURI(), status),
                    failure);
        }
    }

    /** Answers with the app's error page at {@code location}, or Malt's own when there is none. */
    private void showErrorPage(MaltHttpRequest request, int status, String message, Throwable failure,
                               String location) {
        MaltHttpResponse response = request.response();
        try {
            if (location == null || request.getDispatcherType() == jakarta.servlet.DispatcherType.ERROR) {
                // an exception's message is for the log, never for the client; sendError's message is the app's choice
                response.sendDefaultErrorPageWith(status, failure == null ? message : null);
                return;
            }
            response.prepareErrorPage(status);
            ServletHolder servlet = request.servlet();
            dispatcher.error(request, request, response, location, status, message, failure,
                    servlet == null ? null : servlet.getName());
            if (response.isErrorPending()) {
                response.sendDefaultErrorPage();
            }
        } catch (Throwable t) {
            if (isAbort(t) != null) {
                response.output().abort(t);
                return;
            }
            log.error(ServletMessages.errorPageFailed(appName(), location, status), t);
            if (!response.output().isCommitted()) {
                try {
                    response.prepareErrorPage(status);
                    response.sendDefaultErrorPageWith(status, null);
                } catch (IOException | RuntimeException e) {
                    response.output().abort(e);
                }
            } else {
                response.output().abort(t);
            }
        }
    }

    /** Ends a request: a pending sendError becomes its page, the response is finished, listeners hear it. */
    void finishRequest(MaltHttpRequest request) {
        withClassLoader(() -> {
            MaltHttpResponse response = request.response();
            if (response.isErrorPending() && !response.output().isCommitted()) {
                int status = response.getStatus();
                String location = errorPages.forStatus(status);
                if (location != null) {
                    showErrorPage(request, status, response.errorMessage(), null, location);
                } else {
                    try {
                        response.sendDefaultErrorPage();
                    } catch (IOException | RuntimeException e) {
                        response.output().abort(e);
                    }
                }
            }
            // Before the response ends: the client's next request may come at once, to another worker too.
            for (RequestSession session : request.sessionsUsed()) {
                if (session.used() != null) {
                    session.manager().requestDone(session.used());
                }
            }
            AsyncStateMachine async = request.asyncMachineIfAny();
            if (async == null && listeners.hasRequestListeners()) {
                listeners.requestDestroyed(context, request);
            }
            try {
                response.complete();
            } catch (IOException e) {
                response.output().abort(e);
            } catch (RuntimeException e) {
                log.error(ServletMessages.requestFailedAfterCommit(appName(), request.getMethod(),
                        request.getRequestURI()), e);
                response.output().abort(e);
            }
            if (async != null) {
                async.fireComplete();
                if (listeners.hasRequestListeners()) {
                    listeners.requestDestroyed(context, request);
                }
            }
            request.cleanupParts();
        });
    }

    private static ClientAbortException isAbort(Throwable failure) {
        return ClientAbortException.find(failure);
    }

    private static RequestRejectedException rejected(Throwable failure) {
        for (Throwable c = failure; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof RequestRejectedException bad) {
                return bad;
            }
        }
        return null;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t instanceof ServletException servletException && servletException.getRootCause() != null
                && !(t instanceof UnavailableException)) {
            t = servletException.getRootCause();
        }
        return t;
    }

    @Override
    public String toString() {
        return "context " + (contextPath().isEmpty() ? "/" : contextPath()) + " of app " + appName();
    }
}
