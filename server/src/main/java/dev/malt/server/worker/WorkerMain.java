package dev.malt.server.worker;

import dev.malt.server.classcache.Training;
import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ListenSpec;
import dev.malt.server.control.ControlMessage;
import dev.malt.server.logging.Logging;
import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.ContextSpec;
import dev.malt.server.servlet.HostSpec;
import dev.malt.server.servlet.SessionSettings;
import dev.malt.server.servlet.auth.UserFiles;
import dev.malt.server.servlet.ServletHost;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.FileDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A worker JVM: {@code WorkerMain --app NAME --worker N --control PATH}, with the resolved app config
 * on stdin. It receives the listening sockets from its master, loads the app, accepts, reports to the
 * master and exits when told to, or as soon as its master is gone.
 */
public final class WorkerMain {

    /** Exit code for an app that cannot be loaded; the master backs off instead of respawning at once. */
    public static final int EXIT_BOOT_FAILURE = 3;
    /** How long in-flight requests may run on when the master has disappeared. */
    static final long ORPHAN_MERCY_MILLIS = 1_000;
    static final long HEARTBEAT_MILLIS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

    private final AppConfig config;
    private final int workerId;
    private final Path controlSocket;
    /** Completes with the mercy in ms when the worker must stop. */
    private final CompletableFuture<Long> stop = new CompletableFuture<>();
    private final StartupPhases phases;

    private WorkerMain(AppConfig config, int workerId, Path controlSocket, StartupPhases phases) {
        this.config = config;
        this.workerId = workerId;
        this.controlSocket = controlSocket;
        this.phases = phases;
    }

    public static void main(String[] args) throws IOException {
        StartupPhases phases = new StartupPhases();
        String app = "app";
        int worker = 0;
        Path control = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--app" -> app = args[i + 1];
                case "--worker" -> worker = Integer.parseInt(args[i + 1]);
                case "--control" -> control = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown worker argument " + args[i]);
            }
        }
        if (control == null) {
            System.err.println("WorkerMain is started by a Malt master; run 'malt --ini app.ini' instead.");
            System.exit(2);
        }
        Logging.configure(app + " worker " + worker, new FileOutputStream(java.io.FileDescriptor.err));
        phases.mark("logging");
        AppConfig config = AppConfig.decode(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
        phases.mark("config");
        System.exit(new WorkerMain(config, worker, control, phases).run());
    }

    private int run() {
        Optional<Training> training = Training.fromSystemProperties();
        CompletableFuture<EventLoopGroup> controlGroup = new CompletableFuture<>();
        ControlConnection control = null;
        ServletHost host = null;
        WorkerServer server = null;
        dev.malt.server.metrics.WorkerMeters meters = null;
        dev.malt.server.cache.WorkerCache cache = null;
        try {
            // A terminal's Ctrl-C reaches every process of the group; the master coordinates the stop.
            Signal.handle(new Signal("INT"), s -> stop.complete(config.workerReloadMercySeconds() * 1000L));
            Signal.handle(new Signal("TERM"), s -> stop.complete(config.workerReloadMercySeconds() * 1000L));
            // The control connection (Netty's start, the master's descriptors) and the app's own start need nothing
            // of each other: they run side by side, and the app's failure is reported once both are done.
            CompletableFuture<ControlConnection> connecting = connectInBackground(controlGroup);
            StaticFiles statics;
            try {
                statics = StaticFiles.from(config);
            } catch (IOException e) {
                String message = "a static-map target cannot be used: " + e
                        + " (it was there when the configuration was loaded; create it again or fix the path)";
                LOG.error("cannot load the app: {}", message);
                control = connected(connecting);
                control.send(ControlMessage.withText(ControlMessage.BOOT_FAILED, message));
                return EXIT_BOOT_FAILURE;
            }
            ExecutorService appThreads = WorkerServer.appExecutor(settings());
            phases.mark("statics and app threads");
            try {
                host = ServletHost.start(hostSpec(config), appThreads);
                phases.mark("app deploy");
            } catch (AppLoadException e) {
                appThreads.shutdownNow();
                // Reported once by the master, which backs off before the next try.
                LOG.error("cannot load the app: {}", e.getMessage());
                control = connected(connecting);
                control.send(ControlMessage.withText(ControlMessage.BOOT_FAILED, e.getMessage()));
                return EXIT_BOOT_FAILURE;
            }
            cache = dev.malt.server.cache.WorkerCache.open(config, controlSocket, host.sessionCookieNames())
                    .orElse(null);
            ServletHost app = host;
            ExchangeHandler handler = cache != null ? cache.wrap(app::handle) : app::handle;
            if (config.metricsEnabled()) {
                meters = new dev.malt.server.metrics.WorkerMeters(config.threads().isVirtual() ? 0
                        : config.threads().count());
            }
            phases.mark("cache and meters");
            control = connected(connecting);
            phases.mark("wait for control");
            server = WorkerServer.start(settings(), listeners(control.descriptors()), handler, appThreads, statics,
                    meters);
            if (meters != null) {
                server.bindGauges(meters, app::exceptionCount);
            }
            phases.mark("server");
            control.send(ControlMessage.of(ControlMessage.READY));
            phases.log(LOG);
            ControlConnection recorded = control;
            training.ifPresent(t -> t.finishLater(() -> recorded.send(ControlMessage.withText(ControlMessage.RECYCLE,
                    "it recorded the app's class cache; a successor starts from it"))));
            WorkerServer heartbeatSource = server;
            ControlConnection link = control;
            dev.malt.server.metrics.WorkerMeters reported = meters;
            control.eventLoop().scheduleAtFixedRate(() -> {
                java.util.Map<String, String> fields = heartbeatSource.heartbeatFields();
                fields.put("exceptions", Long.toString(heartbeatSource.exceptions() + app.exceptionCount()));
                link.send(ControlMessage.withFields(ControlMessage.HEARTBEAT, fields));
                if (reported != null) {
                    sendReport(link, reported);
                }
            }, 0, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);

            long mercy = stop.join();
            server.stopAccepting();
            if (!server.drain(mercy)) {
                LOG.warn("{} request(s) still running, {} connection(s) open after {} ms; exiting anyway",
                        server.inFlight(), server.openConnections(), mercy);
            }
            // Stopped before its time was up (a reload, say): what it recorded is still worth a cache.
            training.ifPresent(Training::finish);
            return 0;
        } catch (IOException e) {
            LOG.error("worker cannot start: {}", e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException e) {
            LOG.error("worker failed", e);
            return 1;
        } finally {
            if (server != null) {
                server.close();
            }
            if (meters != null) {
                meters.close();
            }
            if (cache != null) {
                cache.close();
            }
            if (host != null) {
                host.close();
            }
            if (control != null) {
                control.close();
            }
            controlGroup.thenAccept(group -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        }
    }

    /**
     * Starts Netty's control loop ({@code controlGroup} completes with it) and connects to the master, on a thread
     * of its own.
     */
    private CompletableFuture<ControlConnection> connectInBackground(CompletableFuture<EventLoopGroup> controlGroup) {
        CompletableFuture<ControlConnection> connecting = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                long start = System.nanoTime();
                EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
                controlGroup.complete(group);
                long looping = System.nanoTime();
                ControlConnection connection = ControlConnection.open(group, controlSocket, config.sockets().size(),
                        this::onMessage, () -> stop.complete(ORPHAN_MERCY_MILLIS));
                phases.aside("control loop", looping - start);
                phases.aside("control connection", System.nanoTime() - looping);
                connecting.complete(connection);
            } catch (IOException | RuntimeException e) {
                connecting.completeExceptionally(e);
            } catch (InterruptedException e) {
                connecting.completeExceptionally(e);
                Thread.currentThread().interrupt();
            }
        }, "control-connect");
        thread.setDaemon(true);
        thread.start();
        return connecting;
    }

    /** The control connection, once it is up; what stopped it, else. */
    private static ControlConnection connected(CompletableFuture<ControlConnection> connecting)
            throws IOException, InterruptedException {
        try {
            return connecting.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IllegalStateException("the control connection failed", e.getCause());
        }
    }

    /** Whether a report too big for a control line was already logged. */
    private boolean reportedOversize;

    /**
     * The worker's meters for its master, with its heartbeat. A report that would not fit a control line (the
     * master would drop the connection) is left out, and logged once: it cannot happen with Malt's own meters.
     */
    private void sendReport(ControlConnection link, dev.malt.server.metrics.WorkerMeters meters) {
        String report;
        try {
            report = meters.report();
        } catch (RuntimeException e) {
            LOG.warn("cannot read this worker's meters: {}", e.toString());
            return;
        }
        ControlMessage message = ControlMessage.withText(ControlMessage.METRICS, report);
        if (message.encode().getBytes(StandardCharsets.UTF_8).length >= ControlMessage.MAX_LINE_BYTES) {
            if (!reportedOversize) {
                reportedOversize = true;
                LOG.warn("this worker's meters take over {} bytes: not sent to the master, so its metrics are left"
                        + " out", ControlMessage.MAX_LINE_BYTES);
            }
            return;
        }
        link.send(message);
    }

    private void onMessage(ControlMessage message) {
        if (ControlMessage.STOP.equals(message.verb())) {
            stop.complete(message.longField("mercy", config.workerReloadMercySeconds() * 1000L));
        }
    }

    private WorkerServer.Settings settings() {
        return new WorkerServer.Settings(workerId, config.threads().isVirtual() ? 0 : config.threads().count(),
                config.threads().isVirtual(), config.bufferSize(), config.maxVars(), !config.disableLogging(),
                config.socketTimeoutSeconds() * 1000L, WorkerServer.fitToDescriptorLimit(config.maxConnections()));
    }

    private List<WorkerListener> listeners(List<FileDescriptor> fds) {
        List<WorkerListener> listeners = new ArrayList<>();
        List<ListenSpec> specs = config.sockets();
        for (int i = 0; i < specs.size(); i++) {
            ListenSpec spec = specs.get(i);
            listeners.add(WorkerListener.inherited(
                    spec.kind() == ListenSpec.Kind.HTTP ? WorkerListener.Protocol.HTTP : WorkerListener.Protocol.UWSGI,
                    spec.address().toString(), fds.get(i), spec.address().isUnix()));
        }
        return listeners;
    }

    /** The contexts the config asks for: a servlet class or a WAR at the root, and every mount. */
    static HostSpec hostSpec(AppConfig config) {
        List<ContextSpec> contexts = new ArrayList<>();
        config.servletClass().ifPresent(servlet -> contexts.add(ContextSpec.servlet("", servlet, config.classpath(),
                config.baseDir(), config.initParams())));
        for (Path war : config.wars()) {
            contexts.add(ContextSpec.war("", war));
        }
        for (AppConfig.Mount mount : config.mounts()) {
            contexts.add(ContextSpec.war(mount.contextPath(), mount.target()));
        }
        return new HostSpec(config.appName(), contexts, config.stateDir(), config.workers(),
                new UserFiles(config.authUserFile().orElse(null), config.authGroupFile().orElse(null)),
                config.localeEncodings(), new SessionSettings(config.sessionStore(), config.maxSessions(),
                config.sessionMaxSize(), config.sessionSweepSeconds()));
    }
}
