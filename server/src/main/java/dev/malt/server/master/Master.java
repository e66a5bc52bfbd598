package dev.malt.server.master;

import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ListenSpec;
import dev.malt.server.logging.LogSink;
import dev.malt.server.metrics.StatsServer;
import dev.malt.server.metrics.StatsSnapshot;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One app's master: binds the listening sockets, starts the control socket, and runs the
 * {@link Arbiter} until stopped. It runs no app code. Standalone ({@code malt --ini}) it is the
 * process; under the emperor several masters share one JVM.
 */
public final class Master implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Master.class);

    private final AppConfig config;
    private final LogSink logSink;
    private final List<String> workerCommandPrefix;
    private final EventLoopGroup group;
    private Path runtimeDir;
    private ListenSockets sockets;
    private ControlServer controlServer;
    private Arbiter arbiter;
    private ListenQueueMonitor queueMonitor;
    private StatsServer statsServer;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    /**
     * @param workerCommandPrefix prepended to each worker's command (privilege drop in tyrant mode)
     */
    public Master(AppConfig config, LogSink logSink, List<String> workerCommandPrefix) {
        this.config = Objects.requireNonNull(config);
        this.logSink = Objects.requireNonNull(logSink);
        this.workerCommandPrefix = List.copyOf(workerCommandPrefix);
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Malt's master needs Linux epoll to share listening sockets with workers: "
                    + Epoll.unavailabilityCause());
        }
        this.group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    /** Binds sockets and starts workers; returns once the arbiter runs (not when workers are ready). */
    public void start() throws IOException, InterruptedException {
        ListenQueueMonitor.warnAboveSomaxconn(config.listenBacklog());
        sockets = ListenSockets.bind(group, config.sockets(), config.listenBacklog(), config.chmodSocket());
        queueMonitor = new ListenQueueMonitor(config.appName(), sockets.bound(), config.listenBacklog());
        group.next().scheduleAtFixedRate(queueMonitor::check, 1, 1, TimeUnit.SECONDS);
        runtimeDir = Files.createTempDirectory("malt-" + safe(config.appName()) + "-");
        Path controlSocket = runtimeDir.resolve("control.sock");
        arbiter = new Arbiter(settings(config), launcher(controlSocket), MasterClock.SYSTEM);
        controlServer = ControlServer.start(group, controlSocket, sockets.descriptors(), arbiter);
        if (config.stats().isPresent()) {
            statsServer = StatsServer.start(group, config.stats().get(), this::statsSnapshot);
            LOG.info("stats for {} on {}", config.appName(), config.stats().get());
        }
        Thread loop = new Thread(this::runArbiter, "arbiter-" + config.appName());
        loop.setDaemon(false);
        loop.start();
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

    static MasterSettings settings(AppConfig config) {
        long mercy = TimeUnit.SECONDS.toMillis(config.workerReloadMercySeconds());
        return MasterSettings.of(config.appName(), config.workers(),
                TimeUnit.SECONDS.toMillis(config.harakiriSeconds()), config.maxRequests(),
                (long) config.reloadOnRssMb() << 20, mercy, config.touchReload(), config.touchChainReload());
    }

    private JvmWorkerLauncher launcher(Path controlSocket) {
        Path javaHome = config.javaHome().orElse(JavaRuntime.current());
        return new JvmWorkerLauncher(new JvmWorkerLauncher.Spec(config.appName(), workerCommandPrefix, javaHome,
                config.heap().orElse(null), config.jvmOptions(), System.getProperty("java.class.path"),
                controlSocket, config.baseDir(), config.env(), config.encode()), logSink);
    }

    /** Queues an event for the arbiter: reloads, stops, status queries. */
    public void post(MasterEvent event) {
        arbiter.post(event);
    }

    public CompletableFuture<MasterStatus> status() {
        CompletableFuture<MasterStatus> answer = new CompletableFuture<>();
        arbiter.post(new MasterEvent.StatusQuery(answer));
        return answer;
    }

    /** The stats server's view: the arbiter's status plus the listen queues only the master sees. */
    public CompletableFuture<StatsSnapshot> statsSnapshot() {
        return status().thenApply(status -> {
            List<StatsSnapshot.Socket> entries = new java.util.ArrayList<>();
            long fullest = 0;
            for (ListenSockets.Bound socket : sockets()) {
                ListenQueueMonitor.Queue queue = queueMonitor.queue(socket.name());
                fullest = Math.max(fullest, queue.length());
                entries.add(new StatsSnapshot.Socket(socket.name(),
                        socket.spec().kind() == ListenSpec.Kind.HTTP ? "http" : "uwsgi", queue.length(),
                        queue.limit() > 0 ? queue.limit() : config.listenBacklog()));
            }
            return new StatsSnapshot(status, entries, fullest, queueMonitor.fullEvents());
        });
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
        if (statsServer != null) {
            statsServer.close();
        }
        if (controlServer != null) {
            controlServer.close();
        }
        List<Path> unixSockets = sockets == null ? List.of() : sockets.unixPaths();
        if (sockets != null) {
            sockets.close();
        }
        if (config.vacuum()) {
            for (Path path : unixSockets) {
                deleteQuietly(path);
            }
        }
        if (runtimeDir != null) {
            deleteQuietly(runtimeDir.resolve("control.sock"));
            deleteQuietly(runtimeDir);
        }
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
