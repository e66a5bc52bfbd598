package dev.malt.server.emperor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ConfigLoader;
import dev.malt.server.control.ControlCommands;
import dev.malt.server.control.ControlRegistry;
import dev.malt.server.control.ControlSocketServer;
import dev.malt.server.logging.LogSink;
import dev.malt.server.logging.Logging;
import dev.malt.server.master.MasterOptions;
import dev.malt.server.status.MasterStatus;
import dev.malt.server.master.WorkerIdentity;
import dev.malt.server.metrics.StatsServer;
import dev.malt.server.privileges.AppUser;
import dev.malt.server.systemd.ServiceNotifier;
import dev.malt.server.systemd.SocketActivation;
import dev.malt.server.watch.FileChanges;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code malt --emperor DIR}: one supervisor that runs every app whose INI file (or symlink) is in DIR.
 * Each app gets its own {@link dev.malt.server.master.Master}, inside this JVM; app code runs only in
 * the masters' worker JVMs. A new file starts an app, a touched or edited one (link or target) reloads it,
 * a removed one stops it. The kernel reports such changes at once ({@link FileChanges}); the directory is
 * also polled every second, for what a watch cannot see.
 *
 * <p>One thread owns every vassal: scans, control commands and stop completions are queued to it.
 */
public final class Emperor {

    private static final Logger LOG = LoggerFactory.getLogger(Emperor.class);

    static final String APP_KEY = "malt.app";
    static final long SCAN_MILLIS = 1_000;
    /** After a reported change, how long more changes may follow before the scan: a file copied in is read whole. */
    static final long CHANGE_SETTLE_MILLIS = 50;
    /** How often the apps' readiness is checked while systemd waits for READY=1 (start, reload). */
    static final long SETTLE_CHECK_MILLIS = 100;
    static final Path SYSTEM_LOG_DIR = Path.of("/var/log/malt/app");
    /**
     * Tyrant mode: how many bytes of an app's log may wait for the helper that writes them as the app's user. The
     * user can stop that helper; beyond this, lines are dropped and counted rather than stall the emperor.
     */
    static final int USER_LOG_QUEUE_BYTES = 1 << 20;

    /** Made on the first stats request: an emperor that nobody asks never loads Jackson's databind. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final AppConfig config;
    private final Path dir;
    private final boolean tyrant;
    private final LogSink supervisorSink;
    private final Map<String, LogSink> appSinks = new ConcurrentHashMap<>();
    private final Map<String, Vassal> vassals = new LinkedHashMap<>();
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final ConfigLoader loader = new ConfigLoader();
    private final long startedAt = System.currentTimeMillis();
    private volatile boolean stopping;
    private boolean announcedEmpty;
    private final ServiceNotifier notifier = ServiceNotifier.fromEnvironment();
    /** What to tell systemd once every app has settled (is up, or has failed): READY=1, a new STATUS=, or nothing. */
    private Notice pending = Notice.READY;
    private boolean settleCheckRunning;
    /** Bumped by every reload or change: a readiness answer from before it is stale. */
    private long noticeRound;
    private boolean reportedUnadopted;
    /** Set by the watcher's thread when the directory or an INI file's target changed; cleared by a scan. */
    private volatile boolean changeReported;
    private FileChanges.Subscription directoryWatch;
    /** Watches where the INI symlinks point (apps-available), for the files last scanned. */
    private FileChanges.Subscription targetWatch;
    private List<Path> watchedTargets = List.of();

    private enum Notice { NONE, READY, STATUS }

    private Emperor(AppConfig config, LogSink supervisorSink) {
        this.config = config;
        this.dir = config.emperor().orElseThrow();
        this.tyrant = config.bool("emperor-tyrant");
        this.supervisorSink = supervisorSink;
    }

    /** Runs until SIGTERM or SIGINT, then stops every app gracefully; returns the exit code. */
    public static int run(AppConfig config) {
        LogSink sink = LogSink.forLogto(config.logto()).orElse(null);
        if (sink == null) {
            return 1;
        }
        Emperor emperor = new Emperor(config, sink);
        Logging.configureRouted(sink, emperor.appSinks::get);
        return emperor.loop();
    }

    private int loop() {
        if (!Files.isDirectory(dir)) {
            LOG.error("the emperor's directory {} does not exist; create it (mkdir -p {}) or name another", dir, dir);
            return 2;
        }
        if (tyrant && !WorkerIdentity.runningAsRoot()) {
            LOG.error("emperor-tyrant runs each app as the owner of its INI file, which needs root; start the "
                    + "emperor as root or drop emperor-tyrant");
            return 2;
        }
        long pid = ProcessHandle.current().pid();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ControlRegistry registry = ControlRegistry.standard();
        ControlSocketServer control = null;
        StatsServer stats = null;
        dev.malt.server.metrics.MetricsEndpoint metrics = null;
        Path pidfile = config.pidfile().orElse(null);
        try {
            if (pidfile != null) {
                Files.writeString(pidfile, pid + "\n", StandardCharsets.US_ASCII);
            }
            control = ControlSocketServer.start(group, registry.socketFor(pid), new Control());
            registry.register(new ControlRegistry.Entry(pid, "emperor", "emperor", "",
                    pidfile == null ? "" : pidfile.toAbsolutePath().toString(), control.path()));
            if (config.stats().isPresent()) {
                stats = StatsServer.serve(group, config.stats().get(), this::statsDocument);
            }
            if (config.metrics().isPresent()) {
                metrics = dev.malt.server.metrics.MetricsEndpoint.start(group, config.metrics().get(),
                        io.prometheus.metrics.model.snapshots.Labels.of("worker", "emperor"), this::metricSnapshots);
            }
            Signal.handle(new Signal("TERM"), s -> stopping = true);
            Signal.handle(new Signal("INT"), s -> stopping = true);
            Signal.handle(new Signal("HUP"), s -> post(this::reloadAll));
            Signal.handle(new Signal("USR1"), s -> post(this::reopenLogs));
            LOG.info("emperor (pid {}) watching {}{}", pid, dir, tyrant ? " in tyrant mode" : "");
            watchDirectory();
            SocketActivation.current();
            notifier.status("starting the apps in " + dir);
            while (!stopping) {
                scan();
                checkSettled();
                drainTasks(pending == Notice.NONE ? SCAN_MILLIS : SETTLE_CHECK_MILLIS);
            }
            notifier.stopping("stopping " + vassals.size() + " app(s)");
            stopAll();
            return 0;
        } catch (IOException e) {
            LOG.error("the emperor cannot start: {}", e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (directoryWatch != null) {
                directoryWatch.close();
            }
            if (targetWatch != null) {
                targetWatch.close();
            }
            if (stats != null) {
                stats.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            if (control != null) {
                control.close();
                registry.unregister(pid);
            }
            if (pidfile != null && config.vacuum()) {
                try {
                    Files.deleteIfExists(pidfile);
                } catch (IOException ignored) {
                    // best effort
                }
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Queues work for the emperor's thread. */
    void post(Runnable task) {
        tasks.add(task);
    }

    /** Runs queued work for up to {@code waitMillis}, or until a reported change has had time to settle. */
    private void drainTasks(long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        boolean settling = false;
        for (long left = waitMillis; left > 0 && !stopping; left = (deadline - System.nanoTime()) / 1_000_000) {
            Runnable task = tasks.poll(left, TimeUnit.MILLISECONDS);
            if (task != null) {
                runTask(task);
            }
            if (changeReported && !settling) {
                settling = true;
                deadline = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHANGE_SETTLE_MILLIS));
            }
        }
    }

    private void watchDirectory() {
        try {
            directoryWatch = FileChanges.shared().watchDirectory(dir, ".ini", this::changeReported);
        } catch (IOException e) {
            LOG.warn("cannot watch {} ({}); changes are seen by polling it every {} s", dir, e.getMessage(),
                    SCAN_MILLIS / 1000);
        }
    }

    /** On the watcher's thread: scan soon. The empty task wakes the loop. */
    private void changeReported() {
        changeReported = true;
        post(() -> { });
    }

    /** Watches the targets of the INI files just scanned (symlinks into apps-available), when they changed. */
    private void watchTargets(List<VassalFile> files) {
        if (tyrant) {
            return; // the targets are the apps' owners' files: root resolves none of their links; the scan sees changes
        }
        List<Path> targets = new ArrayList<>();
        for (VassalFile file : files) {
            try {
                targets.add(file.path().toRealPath());
            } catch (IOException e) {
                // gone again; the next scan sees it
            }
        }
        if (targets.equals(watchedTargets)) {
            return;
        }
        if (targetWatch != null) {
            targetWatch.close();
        }
        try {
            targetWatch = FileChanges.shared().watch(targets, this::changeReported);
            watchedTargets = targets;
        } catch (IOException e) {
            LOG.debug("the INI files' targets are polled only: {}", e.toString());
        }
    }

    private void runTask(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("emperor task failed", e);
        }
    }

    /** Compares the directory with the running apps and acts on the difference. */
    private void scan() {
        changeReported = false;
        List<VassalFile> files;
        try {
            files = VassalFile.scan(dir);
        } catch (IOException e) {
            LOG.error("cannot read {}: {}; the running apps go on", dir, e.getMessage());
            return;
        }
        if (files.isEmpty() && !announcedEmpty) {
            LOG.info("no app in {} yet: put an INI file (or a symlink to one) there to start it", dir);
        }
        announcedEmpty = files.isEmpty();
        watchTargets(files);
        Set<String> present = new HashSet<>();
        long now = System.nanoTime() / 1_000_000;
        boolean changed = false;
        for (VassalFile file : files) {
            present.add(file.name());
            Vassal vassal = vassals.get(file.name());
            if (vassal == null) {
                vassal = new Vassal(this, file);
                vassals.put(file.name(), vassal);
                LOG.info("new app {} ({})", file.name(), file.path());
                vassal.start();
                changed = true;
            } else if (!vassal.stamp.equals(file.stamp())) {
                LOG.info("{} changed", file.path());
                vassal.changed(file);
                changed = true;
            } else if (vassal.isThrottledAndDue(now)) {
                vassal.start();
            }
        }
        for (Vassal vassal : List.copyOf(vassals.values())) {
            if (!present.contains(vassal.name) && vassal.state != Vassal.State.STOPPING) {
                LOG.info("{} is gone from {}: stopping app {}", vassal.ini.getFileName(), dir, vassal.name);
                vassal.stop(() -> vassals.remove(vassal.name));
                changed = true;
            }
        }
        if (changed) {
            noticeRound++;
            if (pending == Notice.NONE && notifier.enabled()) {
                pending = Notice.STATUS;
            }
        }
    }

    /** SIGHUP ({@code systemctl reload}): every app reloads gracefully; systemd hears RELOADING=1, then READY=1. */
    private void reloadAll() {
        LOG.info("reloading every app ({})", vassals.size());
        notifier.reloading("reloading " + vassals.size() + " app(s)");
        vassals.values().forEach(Vassal::reload);
        noticeRound++;
        pending = Notice.READY;
    }

    /**
     * Once every app is up or has failed (broken, failing to start), tells systemd: READY=1 after the start or a
     * reload, else a new STATUS= line. An app that failed does not hold back the others, nor the service.
     */
    private void checkSettled() {
        if (pending == Notice.NONE || settleCheckRunning) {
            return;
        }
        settleCheckRunning = true;
        long round = noticeRound;
        List<CompletableFuture<Optional<String>>> checks = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Vassal vassal : vassals.values()) {
            checks.add(vassal.settledState());
            names.add(vassal.name);
        }
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> post(() -> {
            settleCheckRunning = false;
            if (round != noticeRound || failure != null || checks.stream().anyMatch(c -> c.join().isEmpty())) {
                return;
            }
            Map<String, List<String>> byState = new LinkedHashMap<>();
            for (int i = 0; i < checks.size(); i++) {
                byState.computeIfAbsent(checks.get(i).join().orElseThrow(), k -> new ArrayList<>()).add(names.get(i));
            }
            String status = describe(byState);
            if (pending == Notice.READY) {
                notifier.ready(status);
                LOG.info("ready: {}", status);
            } else {
                notifier.status(status);
            }
            pending = Notice.NONE;
            reportUnadoptedSockets();
        }));
    }

    /** {@code 2 apps running (blog, shop); 1 broken: old}. */
    static String describe(Map<String, List<String>> byState) {
        if (byState.isEmpty()) {
            return "no app enabled yet";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : byState.entrySet()) {
            List<String> apps = entry.getValue();
            parts.add(apps.size() + (apps.size() == 1 ? " app " : " apps ") + entry.getKey() + ": "
                    + String.join(", ", apps));
        }
        return String.join("; ", parts);
    }

    private void reportUnadoptedSockets() {
        if (reportedUnadopted) {
            return;
        }
        reportedUnadopted = true;
        for (SocketActivation.Inherited socket : SocketActivation.current().unadopted()) {
            LOG.warn("systemd passed {}, but no enabled app has that socket or http-socket; it stays unused",
                    socket);
        }
    }

    private void stopAll() throws InterruptedException {
        LOG.info("stopping {} app(s)", vassals.size());
        for (Vassal vassal : List.copyOf(vassals.values())) {
            vassal.stop(() -> vassals.remove(vassal.name));
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!vassals.isEmpty() && System.nanoTime() < deadline) {
            Runnable task = tasks.poll(100, TimeUnit.MILLISECONDS);
            if (task != null) {
                runTask(task);
            }
        }
        LOG.info("emperor stopped");
    }

    // ---- for vassals ---------------------------------------------------------------------------

    /** An app's config and how its master runs. */
    record Loaded(AppConfig config, MasterOptions options) {
    }

    /**
     * Reads an app's INI. Tyrant mode: workers run as the INI's owner, and a user's INI is read (includes too) as
     * that user, who then is the one the master acts as on its paths; otherwise the app's own uid/gid, if any.
     *
     * @throws dev.malt.server.config.ConfigException when the file is broken
     */
    Loaded load(Path ini) throws WorkerIdentity.RefusedException, IOException {
        if (!tyrant) {
            AppConfig app = loader.load(ini);
            return new Loaded(app, options(WorkerIdentity.fromOptions(app), Optional.empty()));
        }
        TyrantIni.Loaded loaded = TyrantIni.load(ini, System.getenv(), Path.of("").toAbsolutePath());
        return new Loaded(loaded.config(), options(Optional.of(loaded.identity()), loaded.user()));
    }

    private static MasterOptions options(Optional<WorkerIdentity> identity, Optional<AppUser> user)
            throws WorkerIdentity.RefusedException {
        if (identity.isEmpty()) {
            return new MasterOptions(List.of(), Optional.empty(), Vassal.MAX_THROTTLE_MILLIS);
        }
        return new MasterOptions(identity.get().commandPrefix(), Optional.of(identity.get().owner()),
                Vassal.MAX_THROTTLE_MILLIS, user);
    }

    /**
     * The app's log: its {@code logto}; else NAME.log in {@code emperor-logdir}; else, for a root emperor
     * with the system layout (/etc/malt), /var/log/malt/app/NAME.log; else the emperor's own log.
     */
    LogSink sinkFor(String name, AppConfig app, MasterOptions options) throws IOException {
        if (app.logto().isPresent() && options.appUser().isPresent()) {
            // Tyrant mode: a path the user chose is opened by the user, never by root.
            AppUser user = options.appUser().get();
            Path own = app.logto().get();
            LogSink sink = LogSink.opened(own, () -> user.appendTo(own, USER_LOG_QUEUE_BYTES));
            appSinks.put(name, sink);
            return sink;
        }
        Optional<Path> file = app.logto();
        if (file.isEmpty() && config.isSet("emperor-logdir")) {
            file = Optional.of(Path.of(config.string("emperor-logdir").orElseThrow()).resolve(name + ".log"));
        }
        if (file.isEmpty() && WorkerIdentity.runningAsRoot() && dir.toAbsolutePath().startsWith("/etc/malt")) {
            file = Optional.of(SYSTEM_LOG_DIR.resolve(name + ".log"));
        }
        if (file.isEmpty()) {
            return supervisorSink;
        }
        LogSink sink = LogSink.file(file.get());
        appSinks.put(name, sink);
        return sink;
    }

    void closeSink(String name, LogSink sink) {
        if (sink != supervisorSink) {
            appSinks.remove(name, sink);
            sink.close();
        }
    }

    private void reopenLogs() {
        try {
            supervisorSink.reopen();
            for (Vassal vassal : vassals.values()) {
                vassal.reopenLog();
            }
            LOG.info("log files reopened");
        } catch (IOException e) {
            LOG.error("cannot reopen a log file: {}", e.getMessage());
        }
    }

    // ---- status, stats, control ----------------------------------------------------------------

    /** Every app's status, in name order. Runs the snapshot on the emperor thread. */
    private CompletableFuture<List<MasterStatus>> statuses() {
        CompletableFuture<List<CompletableFuture<MasterStatus>>> collected = new CompletableFuture<>();
        post(() -> {
            List<CompletableFuture<MasterStatus>> all = new ArrayList<>();
            for (Vassal vassal : vassals.values()) {
                all.add(vassal.status());
            }
            collected.complete(all);
        });
        return collected.thenCompose(all -> CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(done -> all.stream().map(CompletableFuture::join).toList()));
    }

    /** Every app's stats document, in name order, for the control socket's {@code stats} ({@code malt top}). */
    private CompletableFuture<List<dev.malt.server.metrics.StatsSnapshot>> statsSnapshots(String app) {
        CompletableFuture<List<CompletableFuture<dev.malt.server.metrics.StatsSnapshot>>> collected =
                new CompletableFuture<>();
        post(() -> {
            List<CompletableFuture<dev.malt.server.metrics.StatsSnapshot>> all = new ArrayList<>();
            for (Vassal vassal : vassals.values()) {
                if (app.isEmpty() || vassal.name.equals(app)) {
                    all.add(vassal.statsSnapshot());
                }
            }
            if (!app.isEmpty() && all.isEmpty()) {
                collected.completeExceptionally(new IllegalArgumentException("no app named '" + app + "' in " + dir
                        + "; 'malt status' lists them"));
                return;
            }
            collected.complete(all);
        });
        return collected.thenCompose(all -> CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(done -> all.stream().map(CompletableFuture::join)
                        .sorted(java.util.Comparator.comparing(s -> s.master().appName())).toList()));
    }

    /**
     * The metric families of every running app, for one scrape of {@code metrics}. An app that cannot answer (it
     * is stopping, say) is left out of this scrape rather than failing it for the others.
     */
    private CompletableFuture<List<io.prometheus.metrics.model.snapshots.MetricSnapshot>> metricSnapshots() {
        CompletableFuture<List<CompletableFuture<List<io.prometheus.metrics.model.snapshots.MetricSnapshot>>>> collected =
                new CompletableFuture<>();
        post(() -> {
            List<CompletableFuture<List<io.prometheus.metrics.model.snapshots.MetricSnapshot>>> all = new ArrayList<>();
            for (Vassal vassal : vassals.values()) {
                all.add(vassal.metricSnapshots().exceptionally(e -> {
                    LOG.warn("app {}: no metrics in this scrape: {}", vassal.name, e.toString());
                    return List.of();
                }));
            }
            collected.complete(all);
        });
        return collected.thenCompose(all -> CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(done -> all.stream().flatMap(f -> f.join().stream()).toList()));
    }

    /** uWSGI's emperor stats: the emperor itself and its {@code vassals[]}. */
    private CompletableFuture<byte[]> statsDocument() {
        return statuses().thenApply(list -> {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("version", dev.malt.server.servlet.internal.MaltVersion.version());
            doc.put("pid", ProcessHandle.current().pid());
            doc.put("emperor", List.of(dir.toString()));
            doc.put("emperor_tyrant", tyrant ? 1 : 0);
            doc.put("born", startedAt / 1000);
            List<Map<String, Object>> vassalDocs = new ArrayList<>();
            for (MasterStatus status : list) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("id", status.appName() + ".ini");
                v.put("pid", status.masterPid());
                v.put("born", status.startedAtEpochMillis() / 1000);
                v.put("ready", status.workers().stream().anyMatch(MasterStatus.WorkerStatus::accepting) ? 1 : 0);
                v.put("accepting", status.workers().stream().anyMatch(MasterStatus.WorkerStatus::accepting) ? 1 : 0);
                v.put("state", status.state());
                v.put("workers", status.workers().size());
                v.put("requests", status.totalRequests());
                v.put("respawns", status.workers().stream().mapToLong(MasterStatus.WorkerStatus::respawnCount).sum());
                v.put("throttled", status.throttled() ? 1 : 0);
                v.put("last_error", status.lastError());
                vassalDocs.add(v);
            }
            doc.put("vassals", vassalDocs);
            doc.put("blacklist", List.of());
            try {
                return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private final class Control implements ControlCommands {
        @Override
        public CompletableFuture<String> execute(String command, String app) {
            switch (command) {
                case "status" -> {
                    return statuses().thenApply(list -> MasterStatus.toJson("emperor", list.stream()
                            .filter(s -> app.isEmpty() || s.appName().equals(app)).toList()));
                }
                case "stats" -> {
                    return statsSnapshots(app).thenApply(list -> new String(
                            new dev.malt.server.metrics.StatsJson().renderApps("emperor", list), StandardCharsets.UTF_8));
                }
                case "reopen-logs" -> {
                    post(Emperor.this::reopenLogs);
                    return CompletableFuture.completedFuture("reopening the logs");
                }
                case "reload", "chain-reload", "stop" -> {
                    if (app.isEmpty()) {
                        throw new IllegalArgumentException("the emperor runs several apps: name one (malt " + command
                                + " NAME)");
                    }
                    CompletableFuture<String> answer = new CompletableFuture<>();
                    post(() -> {
                        Vassal vassal = vassals.get(app);
                        if (vassal == null) {
                            answer.completeExceptionally(new IllegalArgumentException("no app named '" + app
                                    + "' in " + dir + "; 'malt status' lists them"));
                            return;
                        }
                        switch (command) {
                            case "reload" -> vassal.reload();
                            case "chain-reload" -> vassal.chainReload();
                            default -> vassal.stop(() -> { });
                        }
                        answer.complete(command + ": " + app);
                    });
                    return answer;
                }
                case "cache-purge" -> {
                    dev.malt.server.cache.PurgeRequest purge = dev.malt.server.cache.PurgeRequest.parse(app);
                    if (purge.app().isEmpty()) {
                        throw new IllegalArgumentException("the emperor runs several apps: name one (malt cache purge"
                                + " NAME [PREFIX])");
                    }
                    CompletableFuture<String> answer = new CompletableFuture<>();
                    post(() -> {
                        Vassal vassal = vassals.get(purge.app());
                        if (vassal == null) {
                            answer.completeExceptionally(new IllegalArgumentException("no app named '" + purge.app()
                                    + "' in " + dir + "; 'malt status' lists them"));
                            return;
                        }
                        vassal.purgeCache(purge.prefix()).whenComplete((removed, error) -> {
                            if (error != null) {
                                answer.completeExceptionally(error);
                            } else {
                                answer.complete(purge.answer(removed));
                            }
                        });
                    });
                    return answer;
                }
                default -> throw new IllegalArgumentException("unknown command '" + command
                        + "'; use reload, chain-reload, stop, status, stats, reopen-logs or cache-purge");
            }
        }
    }
}
