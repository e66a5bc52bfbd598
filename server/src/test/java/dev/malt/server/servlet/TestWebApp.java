package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.core.WebApp;
import dev.malt.server.servlet.deploy.DeployedApp;
import dev.malt.server.servlet.deploy.ErrorPageModel;
import dev.malt.server.servlet.deploy.FilterMappingModel;
import dev.malt.server.servlet.deploy.FilterModel;
import dev.malt.server.servlet.deploy.InitializerModel;
import dev.malt.server.servlet.deploy.ServletModel;
import dev.malt.server.servlet.deploy.SessionConfigModel;
import dev.malt.server.servlet.deploy.WebAppClassLoader;
import dev.malt.server.servlet.deploy.WebAppModel;
import dev.malt.server.servlet.session.SessionStores;
import jakarta.servlet.DispatcherType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A web app built by hand, the way a deployment reader would build it from a web.xml: servlets,
 * filters, listeners, error pages, welcome files and session config as {@link WebAppModel} records.
 * Its classes come from the test-classes directory through a real {@link WebAppClassLoader} (so they
 * are the app's own copies, as in a WAR's WEB-INF/classes), and its static files from a web root.
 *
 * <p>App code and tests talk through JDK types only: the context attribute {@link #EVENTS} is a
 * queue of strings that listeners and servlets add to (see {@code apps.core.Events}).
 */
final class TestWebApp {

    /** The context attribute holding the app's event queue ({@code BlockingQueue<String>}). */
    static final String EVENTS = "malt.test.events";

    private final String contextPath;
    private final List<ServletModel> servlets = new ArrayList<>();
    private final List<FilterModel> filters = new ArrayList<>();
    private final List<FilterMappingModel> filterMappings = new ArrayList<>();
    private final List<String> listeners = new ArrayList<>();
    private final List<ErrorPageModel> errorPages = new ArrayList<>();
    private final List<InitializerModel> initializers = new ArrayList<>();
    private final Map<String, String> contextParams = new LinkedHashMap<>();
    private List<String> welcomeFiles;
    private SessionConfigModel sessionConfig;
    private SessionStores sessionStores;
    private Path webRoot;

    private TestWebApp(String contextPath) {
        this.contextPath = contextPath;
    }

    static TestWebApp at(String contextPath) {
        return new TestWebApp(contextPath);
    }

    /** A servlet initialized on first use, without async support. */
    TestWebApp servlet(String name, Class<?> type, String... patterns) {
        return servlet(name, type, null, false, Map.of(), patterns);
    }

    TestWebApp asyncServlet(String name, Class<?> type, String... patterns) {
        return servlet(name, type, null, true, Map.of(), patterns);
    }

    TestWebApp servlet(String name, Class<?> type, Integer loadOnStartup, boolean async, Map<String, String> initParams,
                       String... patterns) {
        servlets.add(new ServletModel(name, type.getName(), null, initParams, loadOnStartup, async, true, null, null,
                Map.of(), List.of(patterns)));
        return this;
    }

    TestWebApp filter(String name, Class<?> type, boolean async, Map<String, String> initParams) {
        filters.add(new FilterModel(name, type.getName(), initParams, async));
        return this;
    }

    TestWebApp filterOnUrls(String filter, List<String> urlPatterns, DispatcherType... types) {
        filterMappings.add(new FilterMappingModel(filter, urlPatterns, List.of(), Set.of(types)));
        return this;
    }

    TestWebApp filterOnServlets(String filter, List<String> servletNames, DispatcherType... types) {
        filterMappings.add(new FilterMappingModel(filter, List.of(), servletNames, Set.of(types)));
        return this;
    }

    TestWebApp filterMapping(String filter, List<String> urlPatterns, List<String> servletNames,
                             DispatcherType... types) {
        filterMappings.add(new FilterMappingModel(filter, urlPatterns, servletNames, Set.of(types)));
        return this;
    }

    TestWebApp listener(Class<?> type) {
        listeners.add(type.getName());
        return this;
    }

    TestWebApp initializer(Class<?> type) {
        initializers.add(new InitializerModel(type.getName(), null));
        return this;
    }

    TestWebApp errorPage(int status, String location) {
        errorPages.add(new ErrorPageModel(status, null, location));
        return this;
    }

    TestWebApp errorPage(Class<? extends Throwable> type, String location) {
        errorPages.add(new ErrorPageModel(0, type.getName(), location));
        return this;
    }

    TestWebApp defaultErrorPage(String location) {
        errorPages.add(new ErrorPageModel(0, null, location));
        return this;
    }

    TestWebApp welcomeFiles(String... files) {
        welcomeFiles = List.of(files);
        return this;
    }

    TestWebApp sessionConfig(SessionConfigModel config) {
        sessionConfig = config;
        return this;
    }

    TestWebApp contextParam(String name, String value) {
        contextParams.put(name, value);
        return this;
    }

    /** The directory of the app's static files (the WAR's root); an empty one when not set. */
    TestWebApp webRoot(Path directory) {
        webRoot = directory;
        return this;
    }

    WebAppModel model() {
        return new WebAppModel("test", 6, 1, true, null, contextParams, servlets, filters, filterMappings, listeners,
                errorPages, welcomeFiles, Map.of(), Map.of(), sessionConfig, null, null, List.of(), null, List.of(),
                false, null, initializers, null);
    }

    /** What a deployment reader would hand the container: the model, a class loader and the files. */
    DeployedApp deploy() {
        try {
            Path root = webRoot;
            if (root == null) {
                root = Files.createTempDirectory("malt-test-root-");
                root.toFile().deleteOnExit(); // stays empty
            }
            Path temp = Files.createTempDirectory("malt-test-tmp-");
            WebAppClassLoader loader = new WebAppClassLoader("malt-app:test" + contextPath,
                    new URL[]{Hosts.testClasses().toUri().toURL()});
            return new DeployedApp(contextPath, root, model(), loader, List.of(root), temp);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ServletHost start() {
        return start(Clock.systemUTC());
    }

    ServletHost start(Clock clock, WebApp.ContainerFeature... features) {
        try {
            return startOrFail(clock, features);
        } catch (AppLoadException e) {
            throw new AssertionError("app did not start: " + e.getMessage(), e);
        }
    }

    ServletHost startOrFail(Clock clock, WebApp.ContainerFeature... features) throws AppLoadException {
        return ServletHost.start("test", List.of(deploy()), clock, Arrays.asList(features), sessionStores);
    }

    /** Sessions in these stores (a file store in a temp directory, Redis) rather than in memory. */
    TestWebApp sessionStores(SessionStores stores) {
        sessionStores = stores;
        return this;
    }

    // ---- talking to a started host

    /** The app's event queue (created here when the app has not made it yet). */
    @SuppressWarnings("unchecked")
    static BlockingQueue<String> events(ServletHost host, String contextPath) {
        var context = host.context(contextPath).context();
        synchronized (context) {
            Object events = context.getAttribute(EVENTS);
            if (events == null) {
                events = new LinkedBlockingQueue<String>();
                context.setAttribute(EVENTS, events);
            }
            return (BlockingQueue<String>) events;
        }
    }

    /** Everything in the queue now, in order. */
    static List<String> drain(BlockingQueue<String> events) {
        List<String> all = new ArrayList<>();
        events.drainTo(all);
        return all;
    }

    /** The next {@code n} events, waiting for each (they may come from other threads). */
    static List<String> take(BlockingQueue<String> events, int n) throws InterruptedException {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String event = events.poll(30, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("only " + taken + " of " + n + " events came within 30 s");
            }
            taken.add(event);
        }
        return taken;
    }

    /** Runs one request and returns what the transport saw. {@code vars} are name/value pairs to add. */
    static RecordingChannel send(ServletHost host, String method, String uri, String... vars) {
        TestExchange exchange = exchange(method, uri, vars);
        host.handle(exchange);
        return exchange.channel;
    }

    static RecordingChannel get(ServletHost host, String uri, String... vars) {
        return send(host, "GET", uri, vars);
    }

    static TestExchange exchange(String method, String uri, String... vars) {
        UwsgiVars.Builder builder = TestExchange.nginx(method, uri);
        for (int i = 0; i < vars.length; i += 2) {
            builder.add(vars[i], vars[i + 1]);
        }
        return TestExchange.of(builder);
    }
}
