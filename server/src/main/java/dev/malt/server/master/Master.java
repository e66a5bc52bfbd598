package dev.malt.server.master;

import dev.malt.server.classcache.JvmRelease;
import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ListenSpec;
import dev.malt.server.logging.LogSink;
import dev.malt.server.metrics.AppMetrics;
import dev.malt.server.metrics.MetricsEndpoint;
import dev.malt.server.metrics.StatsServer;
import dev.malt.server.metrics.StatsSnapshot;
import dev.malt.server.status.MasterStatus;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One app's master: binds the listening sockets, starts the control socket, and runs the
 * {@link Arbiter} until stopped. It runs no app code. Standalone ({@code malt --ini}) it is the
 * process; under the emperor several masters share one JVM.
 */
public final class Master implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Master.class);

    private final LogSink logSink;
    private final MasterOptions options;
    private final EventLoopGroup group;
    private Path runtimeDir;
    private ListenSockets sockets;
    private ControlServer controlServer;
    private Arbiter arbiter;
    private ListenQueueMonitor queueMonitor;
    private final java.util.concurrent.ScheduledExecutorService monitorThread;
    private StatsServer statsServer;
    /** The app's own {@code metrics = ADDR}, when its INI sets one. */
    private MetricsEndpoint metricsEndpoint;
    /** The workers' latest meter reports; what the metrics and the stats' latencies are made of. */
    private final AppMetrics appMetrics;
    /** The app's response cache (cache-route...); null when it caches nothing. */
    private volatile dev.malt.server.cache.MasterCache cache;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** Wakes the arbiter when a touch-reload file changes, so it need not wait for its next poll; or null. */
    private dev.malt.server.watch.FileChanges.Subscription touchWatch;
    /** Which worker makes and which ones use the app's class cache, across reloads. */
    private final ClassCache classCache;

    private AppConfig config;
    /** Files as the app's user sees them (tyrant mode), else as the master does. */
    private TouchFiles touchFiles = TouchFiles.DIRECT;

    public Master(AppConfig config, LogSink logSink, MasterOptions options) {
        this.config = Objects.requireNonNull(config);
        this.logSink = Objects.requireNonNull(logSink);
        this.options = Objects.requireNonNull(options);
        this.appMetrics = new AppMetrics(config.appName());
        this.classCache = new ClassCache(config.appName());
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Malt's master needs Linux epoll to share listening sockets with workers: "
                    + Epoll.unavailabilityCause());
        }
        this.group = new MultiThreadIoEventLoopGroup(1, new AppThreadFactory("master-" + config.appName(),
                config.appName()), EpollIoHandler.newFactory());
        this.monitorThread = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                new AppThreadFactory("listen-queue-" + config.appName(), config.appName(), true));
    }

    /** Binds sockets and starts workers; returns once the arbiter runs (not when workers are ready). */
    public void start() throws IOException, InterruptedException {
        ListenQueueMonitor.warnAboveSomaxconn(config.listenBacklog());
        runtimeDir = Files.createTempDirectory("malt-" + safe(config.appName()) + "-");
        if (options.workerOwner().isPresent()) {
            // Workers that dropped privileges must reach the sockets in here: they may pass through, and connect to
            // what is given to them, but the directory stays the master's, so nobody can swap what is in it.
            Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwx--x--x"));
        }
        if (options.appUser().isPresent()) {
            sockets = ListenSockets.bindAs(options.appUser().get(), group, config.sockets(), config.listenBacklog(),
                    config.chmodSocket(), config.chownSocket(), runtimeDir);
        } else {
            sockets = ListenSockets.bind(group, config.sockets(), config.listenBacklog(), config.chmodSocket(),
                    config.chownSocket());
        }
        queueMonitor = new ListenQueueMonitor(config.appName(), sockets.bound(), config.listenBacklog());
        // Reading /proc/net/tcp can take a while on a busy host: not on the event loop that carries heartbeats.
        monitorThread.scheduleWithFixedDelay(queueMonitor::check, 1, 1, TimeUnit.SECONDS);
        StateDirectory.prepare(config, options.workerOwner(), options.appUser().isPresent());
        touchFiles = touchFiles();
        Path controlSocket = runtimeDir.resolve("control.sock");
        arbiter = new Arbiter(settings(config), launcher(controlSocket), MasterClock.SYSTEM, touchFiles);
        controlServer = ControlServer.start(group, controlSocket, sockets.descriptors(), arbiter, appMetrics);
        watchTouchFiles(config);
        startCache(dev.malt.server.cache.CacheSettings.from(config));
        giveToWorkers(controlSocket);
        if (cache != null) {
            giveToWorkers(cache.socket());
        }
        if (config.stats().isPresent()) {
            statsServer = StatsServer.start(group, config.stats().get(), this::statsSnapshot);
            LOG.info("stats for {} on {}", config.appName(), config.stats().get());
        }
        if (config.metrics().isPresent()) {
            metricsEndpoint = MetricsEndpoint.start(group, config.metrics().get(), processLabels(), this::metricSnapshots);
        }
        Thread loop = new AppThreadFactory("arbiter-" + config.appName(), config.appName()).newThread(this::runArbiter);
        loop.setDaemon(false);
        loop.start();
    }

    /** Watches the touch files of {@code config}, in place of those watched so far. */
    private void watchTouchFiles(AppConfig config) {
        if (touchWatch != null) {
            touchWatch.close();
            touchWatch = null;
        }
        List<Path> files = new java.util.ArrayList<>(config.touchReload());
        files.addAll(config.touchChainReload());
        if (files.isEmpty()) {
            return;
        }
        if (options.appUser().isPresent()) {
            // tyrant mode: the app's owner chose these paths, and root resolves no path an app's owner chose
            // (inotify_add_watch would, following links); the touch files are polled as the app's user
            return;
        }
        try {
            Arbiter loop = arbiter;
            touchWatch = dev.malt.server.watch.FileChanges.shared().watch(files, () -> loop.post(new MasterEvent.Wake()));
        } catch (IOException e) {
            LOG.debug("touch files of {} are polled only: {}", config.appName(), e.toString());
        }
    }

    /** Gives a socket in the master's directory to workers that dropped privileges (the link itself: lchown). */
    private void giveToWorkers(Path socket) throws IOException {
        if (options.workerOwner().isPresent()) {
            MasterOptions.Owner owner = options.workerOwner().get();
            Files.setAttribute(socket, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(socket, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** How the arbiter sees touch-reload files: as the app's user in tyrant mode. */
    private TouchFiles touchFiles() throws IOException {
        return options.appUser().isPresent() ? TouchFiles.seenBy(options.appUser().get()) : TouchFiles.DIRECT;
    }

    /** The cache lives in the master so that it outlives workers; its socket sits beside control.sock. */
    private void startCache(dev.malt.server.cache.CacheSettings settings) throws IOException {
        if (settings.enabled()) {
            cache = dev.malt.server.cache.MasterCache.start(config.appName(), settings.store(),
                    runtimeDir.resolve(dev.malt.server.cache.MasterCache.SOCKET_NAME));
        }
    }

    /** A reload keeps the cache's entries unless its store settings changed; it may also turn the cache on or off. */
    private void reconfigureCache(AppConfig next) {
        dev.malt.server.cache.CacheSettings settings = dev.malt.server.cache.CacheSettings.from(next);
        try {
            if (!settings.enabled()) {
                if (cache != null) {
                    cache.close();
                    cache = null;
                }
            } else if (cache != null) {
                cache.reconfigure(settings.store());
            } else {
                startCache(settings);
                giveToWorkers(cache.socket());
            }
        } catch (IOException e) {
            LOG.error("the response cache of {} cannot start: {}; requests go to the app uncached", config.appName(),
                    e.getMessage());
        }
    }

    /** {@code malt cache purge NAME [PREFIX]}: completes with how many entries were removed. */
    public CompletableFuture<Long> purgeCache(String uriPrefix) {
        dev.malt.server.cache.MasterCache current = cache;
        if (current == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("app " + config.appName()
                    + " has no response cache; its INI file sets no cache-route nor cache-honor-cache-control"));
        }
        return current.purge(uriPrefix);
    }

    private void runArbiter() {
        try {
            arbiter.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the master loop of {} failed", config.appName(), e);
        } finally {
            stopped.complete(null);
        }
    }

    private MasterSettings settings(AppConfig config) {
        long mercy = TimeUnit.SECONDS.toMillis(config.workerReloadMercySeconds());
        return new MasterSettings(config.appName(), config.workers(),
                TimeUnit.SECONDS.toMillis(config.harakiriSeconds()), config.maxRequests(),
                (long) config.reloadOnRssMb() << 20, mercy, config.touchReload(), config.touchChainReload(),
                MasterSettings.DEFAULT_HEARTBEAT_TIMEOUT_MILLIS, MasterSettings.DEFAULT_BOOT_TIMEOUT_MILLIS,
                MasterSettings.DEFAULT_MIN_BACKOFF_MILLIS, options.maxBackoffMillis());
    }

    /** Whether {@code next} can replace this app's config by a reload: the same sockets, bound the same way. */
    public boolean canReconfigure(AppConfig next) {
        return next.sockets().equals(config.sockets()) && next.listenBacklog() == config.listenBacklog()
                && next.chmodSocket().equals(config.chmodSocket()) && next.chownSocket().equals(config.chownSocket())
                && next.stats().equals(config.stats()) && next.metrics().equals(config.metrics());
    }

    /** As {@link #canReconfigure(AppConfig)}, and the workers keep running as the same user and group. */
    public boolean canReconfigure(AppConfig next, MasterOptions nextOptions) {
        return canReconfigure(next) && nextOptions.workerOwner().equals(options.workerOwner())
                && nextOptions.workerCommandPrefix().equals(options.workerCommandPrefix());
    }

    /** Reloads onto a changed config: new workers run it, old ones finish. See {@link #canReconfigure}. */
    public void reconfigure(AppConfig next, String reason) {
        if (!canReconfigure(next)) {
            throw new IllegalArgumentException("the sockets of " + config.appName() + " changed; restart it instead");
        }
        config = next;
        classCache.retry();
        StateDirectory.prepare(next, options.workerOwner(), options.appUser().isPresent());
        reconfigureCache(next);
        watchTouchFiles(next);
        arbiter.post(new MasterEvent.Reconfigure(settings(next), launcher(runtimeDir.resolve("control.sock")), reason));
    }

    private JvmWorkerLauncher launcher(Path controlSocket) {
        Path javaHome = config.javaHome().orElse(JavaRuntime.current());
        Optional<JvmRelease> release = JvmRelease.read(javaHome);
        List<String> defaultFlags = JvmWorkerLauncher.defaultFlags(release);
        String classpath = JavaRuntime.workerClasspath();
        Optional<ClassCache.Setup> cacheSetup = ClassCache.setup(config, javaHome, release,
                JvmWorkerLauncher.jvmFlags(defaultFlags, config.heap().orElse(null), config.jvmOptions()), classpath,
                touchFiles::lastModified, options.workerCommandPrefix().isEmpty());
        return new JvmWorkerLauncher(new JvmWorkerLauncher.Spec(config.appName(), options.workerCommandPrefix(), javaHome,
                defaultFlags, config.heap().orElse(null), config.jvmOptions(), classpath,
                controlSocket, config.baseDir(), config.env(), config.encode()), logSink,
                options.appUser().map(user -> user.environment(System.getenv())).orElse(null), classCache,
                cacheSetup.orElse(null));
    }

    /** Queues an event for the arbiter: reloads, stops, status queries. */
    public void post(MasterEvent event) {
        arbiter.post(event);
    }

    public CompletableFuture<MasterStatus> status() {
        if (stopped.isDone()) {
            return CompletableFuture.completedFuture(new MasterStatus(config.appName(), ProcessHandle.current().pid(),
                    "stopped", 0, List.of(), "", false));
        }
        CompletableFuture<MasterStatus> answer = new CompletableFuture<>();
        arbiter.post(new MasterEvent.StatusQuery(answer));
        return answer;
    }

    /**
     * The stats server's view: the arbiter's status plus what only the master sees: listen queues, the workers' PSS
     * (read from /proc on the monitor thread, never on the arbiter's) and their latencies.
     */
    public CompletableFuture<StatsSnapshot> statsSnapshot() {
        dev.malt.server.cache.MasterCache current = cache;
        CompletableFuture<dev.malt.server.cache.CacheStats> cacheStats = current == null
                ? CompletableFuture.completedFuture(null) : current.stats();
        return status().thenCombineAsync(cacheStats, (status, cacheNow) -> {
            List<StatsSnapshot.Socket> entries = new java.util.ArrayList<>();
            long fullest = 0;
            for (ListenSockets.Bound socket : sockets()) {
                ListenQueueMonitor.Queue queue = queueMonitor.queue(socket.name());
                fullest = Math.max(fullest, queue.length());
                entries.add(new StatsSnapshot.Socket(socket.name(),
                        socket.spec().kind() == ListenSpec.Kind.HTTP ? "http" : "uwsgi", queue.length(),
                        queue.limit() > 0 ? queue.limit() : config.listenBacklog()));
            }
            java.util.Map<Long, StatsSnapshot.WorkerDetail> details = new java.util.HashMap<>();
            for (MasterStatus.WorkerStatus worker : status.workers()) {
                details.put(worker.pid(), new StatsSnapshot.WorkerDetail(ProcessMemory.pssBytes(worker.pid()),
                        appMetrics.latency(worker.pid())));
            }
            return new StatsSnapshot(status, entries, fullest, queueMonitor.fullEvents(), cacheNow, details);
        }, monitorThread);
    }

    /** Every metric family of this app now, for a scrape: its workers' meters and what the master counts. */
    public CompletableFuture<List<io.prometheus.metrics.model.snapshots.MetricSnapshot>> metricSnapshots() {
        return statsSnapshot().thenApply(appMetrics::snapshots);
    }

    /** The labels of the master JVM's own meters when it serves {@code metrics} itself. */
    private io.prometheus.metrics.model.snapshots.Labels processLabels() {
        return io.prometheus.metrics.model.snapshots.Labels.of("app", config.appName(), "worker", "master");
    }

    /** Completes when every worker has exited after a stop. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /** Runs at the start of every reload, on the arbiter thread. */
    public void onReload(Runnable listener) {
        arbiter.onReload(listener);
    }

    EventLoopGroup eventLoopGroup() {
        return group;
    }

    public AppConfig config() {
        return config;
    }

    public List<ListenSockets.Bound> sockets() {
        return sockets == null ? List.of() : sockets.bound();
    }

    /** Closes sockets and removes what this master created; call after {@link #stopped()}. */
    @Override
    public void close() {
        if (touchWatch != null) {
            touchWatch.close();
        }
        if (statsServer != null) {
            statsServer.close();
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        if (controlServer != null) {
            controlServer.close();
        }
        if (cache != null) {
            cache.close();
        }
        if (sockets != null) {
            sockets.close(); // removes the socket files, as whoever bound them
        }
        if (runtimeDir != null) {
            deleteQuietly(runtimeDir.resolve("control.sock"));
            deleteQuietly(runtimeDir);
        }
        monitorThread.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", path, e.getMessage());
        }
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
