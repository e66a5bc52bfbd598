package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.auth.RealmFileException;
import dev.malt.server.servlet.auth.UserRealm;
import dev.malt.server.servlet.core.DefaultServlet;
import dev.malt.server.servlet.core.JspSupport;
import dev.malt.server.servlet.core.MultipartParser;
import dev.malt.server.servlet.core.ServletHolder;
import dev.malt.server.servlet.core.WebApp;
import dev.malt.server.servlet.deploy.DeployedApp;
import dev.malt.server.servlet.internal.ContextDeployer;
import dev.malt.server.servlet.internal.FormDataParser;
import dev.malt.server.servlet.internal.GatewayRequestMapping;
import dev.malt.server.servlet.internal.HeaderFields;
import dev.malt.server.servlet.internal.MaltHttpRequest;
import dev.malt.server.servlet.internal.MaltHttpResponse;
import dev.malt.server.servlet.internal.RequestModel;
import dev.malt.server.servlet.internal.RequestRejectedException;
import dev.malt.server.servlet.internal.ServletMessages;
import dev.malt.server.servlet.core.SessionManager;
import dev.malt.server.servlet.core.SessionStore;
import dev.malt.server.servlet.core.SessionStoreException;
import dev.malt.server.servlet.session.SessionStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The servlet container of one worker: every context of the app (a WAR, several mounted WARs, or a
 * plain servlet class), and the way a gateway request reaches the right one.
 *
 * <p>{@link #handle} may be called from many app threads at once. It never throws, and it always ends
 * the exchange's response: before it returns, or later for a request the app put into async mode.
 */
public final class ServletHost implements AutoCloseable, WebApp.Contexts {

    private static final Logger log = LoggerFactory.getLogger(ServletHost.class);

    private static final MultipartParser MULTIPART = new FormDataParser();

    private final String appName;
    /** Longest context path first, so the first prefix match is the right context. */
    private final List<WebApp> contexts = new ArrayList<>();
    private final ScheduledExecutorService timers;
    private final ExecutorService ownExecutor;
    private final String requestIdPrefix = ProcessHandle.current().pid() + "-";
    private final AtomicLong requestIds = new AtomicLong();
    private final LongAdder requests = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** A state dir this host made for itself (an embedded plain app without a config); removed at close. */
    private Path ownStateDir;
    private java.util.Map<String, String> localeEncodings = java.util.Map.of();
    /** Where the app's sessions live; null: each context's memory (hosts built by tests). */
    private SessionStore.Factory sessionStores;
    private int sessionSweepSeconds = SessionManager.DEFAULT_SWEEP_SECONDS;
    /** What holds the stores' connections (Redis), closed with the host. */
    private AutoCloseable sessionResources;

    private ServletHost(String appName, ExecutorService ownExecutor) {
        this.appName = appName;
        this.ownExecutor = ownExecutor;
        this.timers = timers(appName);
    }

    private static ScheduledExecutorService timers(String appName) {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "malt-timer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }

    /**
     * Deploys and starts every context; async work runs on {@code executor} (the worker's app threads).
     *
     * @throws AppLoadException with an operator-facing message when a context cannot start
     */
    public static ServletHost start(HostSpec spec, Executor executor) throws AppLoadException {
        ServletHost host = new ServletHost(spec.appName(), null);
        try {
            host.deploy(spec, executor);
        } catch (AppLoadException | RuntimeException | Error e) {
            host.close();
            throw e;
        }
        return host;
    }

    /** One plain servlet app, with a private executor for async work; for tests and simple embedding. */
    public static ServletHost start(ServletAppSpec spec) throws AppLoadException {
        ExecutorService executor = privateExecutor();
        ServletHost host = new ServletHost(spec.appName(), executor);
        try {
            host.ownStateDir = Files.createTempDirectory("malt-" + spec.appName().replaceAll("[^A-Za-z0-9._-]", "_") + "-");
        } catch (IOException e) {
            host.close();
            throw new AppLoadException(ServletMessages.tempDirFailed(spec.appName(), e), e);
        }
        HostSpec hostSpec = new HostSpec(spec.appName(), List.of(ContextSpec.servlet(spec.contextPath(),
                spec.servletClass(), spec.classpath(), spec.baseDir(), spec.initParams())), host.ownStateDir, 1);
        try {
            host.deploy(hostSpec, executor);
        } catch (AppLoadException | RuntimeException | Error e) {
            host.close();
            throw e;
        }
        return host;
    }

    /**
     * Starts contexts the caller deployed itself (tests build their models by hand), each with the
     * default servlet and then {@code features}; session times come from {@code clock}. Async work runs
     * on a private executor. The host owns the apps from here: it closes them, also when starting fails.
     */
    static ServletHost start(String appName, List<DeployedApp> apps, Clock clock,
                             List<WebApp.ContainerFeature> features) throws AppLoadException {
        return start(appName, apps, clock, features, null);
    }

    /** As above, with sessions in the stores of {@code sessionStores} (null: each context's memory). */
    static ServletHost start(String appName, List<DeployedApp> apps, Clock clock,
                             List<WebApp.ContainerFeature> features, SessionStores sessionStores)
            throws AppLoadException {
        ExecutorService executor = privateExecutor();
        ServletHost host = new ServletHost(appName, executor);
        if (sessionStores != null) {
            host.sessionStores = sessionStores;
            host.sessionResources = sessionStores;
            host.sessionSweepSeconds = sessionStores.sweepSeconds();
        }
        int started = 0;
        try {
            for (DeployedApp deployed : apps) {
                started++;
                host.startContext(deployed, features, executor, 1, clock, null);
            }
        } catch (AppLoadException | RuntimeException | Error e) {
            for (DeployedApp notStarted : apps.subList(started, apps.size())) {
                notStarted.close();
            }
            host.close();
            throw e;
        }
        return host;
    }

    private static ExecutorService privateExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "malt-async-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private void deploy(HostSpec spec, Executor executor) throws AppLoadException {
        this.localeEncodings = spec.localeEncodings();
        UserRealm realm = openRealm(spec);
        SessionStores stores;
        try {
            stores = SessionStores.open(spec.appName(), spec.sessions(), spec.stateDir(),
                    LoggerFactory.getLogger("malt.app." + spec.appName()));
        } catch (IllegalArgumentException e) {
            throw new AppLoadException(ServletMessages.sessionStoreInvalid(spec.appName(), spec.sessions().store(),
                    e.getMessage()), e);
        }
        sessionStores = stores;
        sessionResources = stores;
        sessionSweepSeconds = stores.sweepSeconds();
        for (ContextSpec context : spec.contexts()) {
            ContextDeployer.Deployment deployment = ContextDeployer.deploy(spec.appName(), context, spec.stateDir());
            List<WebApp.ContainerFeature> features = deployment.feature() == null ? List.of()
                    : List.of(deployment.feature());
            startContext(deployment.deployed(), features, executor, spec.workers(), Clock.systemUTC(), realm);
        }
    }

    /** The app's users, read now by this worker (it runs as the app's user); null when it has none. */
    private static UserRealm openRealm(HostSpec spec) throws AppLoadException {
        if (spec.users().isEmpty()) {
            return null;
        }
        try {
            return UserRealm.open(spec.users(), LoggerFactory.getLogger("malt.app." + spec.appName()));
        } catch (RealmFileException e) {
            throw new AppLoadException(ServletMessages.usersUnreadable(spec.appName(), e.getMessage()), e);
        }
    }

    /**
     * Starts one context with the default servlet and {@code features}, and the app's users ({@code null}:
     * none); on failure its deployment is closed.
     */
    private void startContext(DeployedApp deployed, List<WebApp.ContainerFeature> features, Executor executor,
                              int workers, Clock clock, UserRealm realm) throws AppLoadException {
        List<WebApp.ContainerFeature> contextFeatures = new ArrayList<>();
        contextFeatures.add(ServletHost::addDefaultServlet);
        contextFeatures.add(JspSupport::configure);
        contextFeatures.addAll(features);
        WebApp.Environment env = sessionStores == null
                ? new WebApp.Environment(appName, executor, timers, workers, this, MULTIPART, contextFeatures, clock)
                : new WebApp.Environment(appName, executor, timers, workers, this, MULTIPART, contextFeatures, clock,
                        sessionStores, sessionSweepSeconds);
        WebApp app;
        try {
            app = new WebApp(deployed, env);
        } catch (SessionStoreException e) {
            deployed.close();
            throw new AppLoadException(e.getMessage(), e);
        }
        app.security().useRealm(realm);
        try {
            app.start();
        } catch (AppLoadException e) {
            deployed.close();
            throw e;
        }
        contexts.add(app);
        contexts.sort(Comparator.comparingInt((WebApp a) -> a.contextPath().length()).reversed());
    }

    private static void addDefaultServlet(WebApp app) {
        ServletHolder holder = app.addContainerServlet("default", new DefaultServlet(app), "/");
        app.setContainerDefault(holder);
    }

    public String appName() {
        return appName;
    }

    /**
     * The session cookie names of every context, as their apps configured them by now: what the response cache
     * treats as a session (a request carrying one is not served from the cache).
     */
    public java.util.Set<String> sessionCookieNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (WebApp app : contexts) {
            String name = app.context().getSessionCookieConfig().getName();
            if (name != null && !name.isBlank()) {
                names.add(name);
            }
        }
        return names;
    }

    /** Requests handled so far. */
    public long requestCount() {
        return requests.sum();
    }

    /** Requests whose servlet threw an uncaught exception (answered 500, or aborted if committed). */
    public long exceptionCount() {
        long sum = 0;
        for (WebApp app : contexts) {
            sum += app.exceptionCount();
        }
        return sum;
    }

    @Override
    public java.util.Map<String, String> localeEncodings() {
        return localeEncodings;
    }

    @Override
    public WebApp contextFor(String uri) {
        for (WebApp app : contexts) {
            String path = app.contextPath();
            if (path.isEmpty() || uri.equals(path) || uri.startsWith(path + "/")) {
                return app;
            }
        }
        return null;
    }

    /** Runs one request: its first dispatch on the calling thread. Never throws. */
    public void handle(GatewayExchange exchange) {
        requests.increment();
        exchange.detach(); // every path below ends the response itself, now or (async) later
        WebApp app;
        try {
            app = select(exchange.vars());
        } catch (RequestRejectedException e) {
            reject(exchange, contexts.isEmpty() ? null : contexts.get(contexts.size() - 1), e);
            return;
        }
        if (app == null) {
            reject(exchange, contexts.isEmpty() ? null : contexts.get(contexts.size() - 1),
                    new RequestRejectedException(404, ServletMessages.noContextFor(exchange.vars().get("REQUEST_URI"))));
            return;
        }
        if (closed.get()) {
            reject(exchange, app, new RequestRejectedException(503, ServletMessages.appClosed(appName)));
            return;
        }
        RequestModel model;
        try {
            model = GatewayRequestMapping.map(exchange.vars(), app.contextPath());
        } catch (RequestRejectedException e) {
            reject(exchange, app, e);
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(app.classLoader());
        try {
            MaltHttpRequest request = new MaltHttpRequest(model, exchange, app,
                    requestIdPrefix + requestIds.incrementAndGet());
            MaltHttpResponse response = new MaltHttpResponse(model, app.context(), exchange.response());
            request.setResponse(response);
            response.setRequest(request);
            app.serve(request);
        } catch (Throwable t) {
            log.error(ServletMessages.requestFailed(appName, exchange.vars().get("REQUEST_METHOD"),
                    exchange.vars().get("REQUEST_URI"), 500), t);
            if (!exchange.response().isHeadWritten()) {
                reject(exchange, app, new RequestRejectedException(500, String.valueOf(t)));
            } else {
                exchange.response().abort(t);
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The context for a request: the one whose path is the longest prefix of the request path. A
     * path under none of them goes to the app's only context (a frontend that stripped the context
     * path itself, SCRIPT_NAME style), or to the root context.
     */
    private WebApp select(UwsgiVars vars) {
        if (contexts.size() == 1) {
            return contexts.get(0);
        }
        String path = GatewayRequestMapping.decodedPath(vars);
        WebApp app = path == null ? null : contextFor(path);
        return app != null ? app : contextFor("/");
    }

    /** Answers without running app code: a path that cannot be decoded safely (400), a stopped app (503). */
    private void reject(GatewayExchange exchange, WebApp app, RequestRejectedException e) {
        UwsgiVars vars = exchange.vars();
        String method = vars.get("REQUEST_METHOD", "GET");
        String rawUri = vars.get("REQUEST_URI", "");
        log.info(ServletMessages.requestRejected(appName, e.status(), method, rawUri, e.getMessage()));
        RequestModel minimal = new RequestModel(method, "/", null, app == null ? "" : app.contextPath(), null,
                new HeaderFields(), null, -1, "http", vars.get("SERVER_NAME", ""), 0, "", "", 0, "", 0,
                vars.get("SERVER_PROTOCOL", "HTTP/1.0"), null, null);
        MaltHttpResponse response = new MaltHttpResponse(minimal, app == null ? null : app.context(),
                exchange.response());
        try {
            response.sendErrorPage(e.status());
        } catch (Throwable t) {
            response.output().abort(t);
        }
    }

    /** Stops every context (destroy, listeners) and releases its class loader. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (WebApp app : contexts) {
            try {
                app.stop();
            } finally {
                app.deployed().close();
                ContextDeployer.deleteQuietly(app.tempDir());
            }
        }
        timers.shutdownNow();
        if (sessionResources != null) {
            try {
                sessionResources.close();
            } catch (Exception e) {
                log.warn("closing the session store of app '" + appName + "' failed", e);
            }
        }
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
        if (ownStateDir != null) {
            ContextDeployer.deleteQuietly(ownStateDir);
        }
    }

    /** For tests: the context at a path. */
    WebApp context(String contextPath) {
        for (WebApp app : contexts) {
            if (app.contextPath().equals(contextPath)) {
                return app;
            }
        }
        return null;
    }

}
