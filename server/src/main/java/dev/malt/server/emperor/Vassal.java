package dev.malt.server.emperor;

import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ConfigException;
import dev.malt.server.logging.LogSink;
import dev.malt.server.master.Master;
import dev.malt.server.master.MasterEvent;
import dev.malt.server.master.MasterOptions;
import dev.malt.server.status.MasterStatus;
import dev.malt.server.master.WorkerIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * One app of the emperor: its INI file and, while it runs, its {@link Master}. Touched only on the
 * emperor's thread; a master's asynchronous stop reports back through {@link Emperor#post}.
 */
final class Vassal {

    private static final Logger LOG = LoggerFactory.getLogger(Vassal.class);

    /** uWSGI's emperor throttles a failing vassal from 1 s up to 180 s. */
    static final long MIN_THROTTLE_MILLIS = 1_000;
    static final long MAX_THROTTLE_MILLIS = 180_000;

    enum State { RUNNING, STOPPING, STOPPED, BROKEN, THROTTLED }

    private final Emperor emperor;
    final String name;
    final Path ini;
    String stamp;
    State state = State.STOPPED;
    String lastError = "";
    long bornAtEpochMillis;
    int failures;
    long retryAt;
    /** After the master stops: start again (restart) or forget the app (its file is gone). */
    private Runnable afterStop = () -> { };

    private Master master;
    private LogSink sink;
    private AppConfig config;

    Vassal(Emperor emperor, VassalFile file) {
        this.emperor = emperor;
        this.name = file.name();
        this.ini = file.path();
        this.stamp = file.stamp();
    }

    /** Reads the INI and starts the app; a broken file or a refused one leaves it BROKEN until it changes. */
    void start() {
        Optional<Emperor.Loaded> loaded = load();
        if (loaded.isEmpty()) {
            return;
        }
        startWith(loaded.get().config(), loaded.get().options());
    }

    /** Reads the INI; a broken or refused one is reported, and leaves a running app as it is. */
    private Optional<Emperor.Loaded> load() {
        try {
            return Optional.of(emperor.load(ini));
        } catch (ConfigException e) {
            lastError = summary(e);
            LOG.error("app {} not started: its INI file has {}:\n  {}\nThe other apps are not affected; {} is read "
                            + "again when it changes.", name, e.problems().size() == 1 ? "a problem" : "problems",
                    e.problems().stream().map(Object::toString).collect(Collectors.joining("\n  ")), ini);
        } catch (WorkerIdentity.RefusedException | IOException e) {
            lastError = e.getMessage();
            LOG.error("app {} refused: {}", name, e.getMessage());
        }
        if (state != State.RUNNING) {
            state = State.BROKEN;
        }
        return Optional.empty();
    }

    /**
     * Where the first problem is, and how many there are, for {@code last_error} in the status and the stats. Not the
     * problems themselves: they quote lines of the files, and the stats may be open to every local user; the
     * emperor's log has them whole.
     */
    static String summary(ConfigException e) {
        ConfigException.Problem first = e.problems().get(0);
        String where = first.file() == null ? "the command line" : first.line() > 0 ? first.file() + ":" + first.line()
                : first.file();
        int count = e.problems().size();
        return "the INI file has " + (count == 1 ? "a problem" : count + " problems") + ", the first at " + where
                + "; the emperor's log says what is wrong";
    }

    private void startWith(AppConfig next, MasterOptions options) {
        config = next;
        MDC.put(Emperor.APP_KEY, name);
        try {
            sink = emperor.sinkFor(name, next, options);
            master = new Master(next, sink, options);
            master.start();
            state = State.RUNNING;
            bornAtEpochMillis = System.currentTimeMillis();
            failures = 0;
            lastError = "";
            LOG.info("app {} started from {}", name, ini);
        } catch (IOException | RuntimeException e) {
            failures++;
            long delay = Math.min(MAX_THROTTLE_MILLIS, MIN_THROTTLE_MILLIS << Math.min(20, failures - 1));
            retryAt = System.nanoTime() / 1_000_000 + delay;
            lastError = e.getMessage();
            state = State.THROTTLED;
            LOG.error("app {} cannot start: {}; next attempt in {} s", name, e.getMessage(), delay / 1000);
            closeMaster();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            MDC.remove(Emperor.APP_KEY);
        }
    }

    /** The INI or its target changed: reload gracefully with the new config, or restart if its sockets changed. */
    void changed(VassalFile file) {
        stamp = file.stamp();
        if (state == State.STOPPING) {
            afterStop = this::start;
            return;
        }
        if (state != State.RUNNING) {
            start();
            return;
        }
        Optional<Emperor.Loaded> loaded = load();
        if (loaded.isEmpty()) {
            LOG.error("app {} keeps running with its previous config until {} is fixed", name, ini);
            return;
        }
        Optional<AppConfig> next = Optional.of(loaded.get().config());
        if (master.canReconfigure(next.get(), loaded.get().options())) {
            config = next.get();
            master.reconfigure(next.get(), "its INI file changed");
        } else {
            LOG.info("app {}: its sockets or its user changed, so it restarts (connections to the old sockets are refused "
                    + "while it does)", name);
            stop(this::start);
        }
    }

    /** {@code malt reload NAME}: as if the file had been touched. */
    void reload() {
        changed(new VassalFile(name, ini, stamp));
    }

    /** {@code malt cache purge NAME [PREFIX]}: how many entries of this app's response cache went. */
    CompletableFuture<Long> purgeCache(String uriPrefix) {
        if (master == null || state != State.RUNNING) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("app " + name + " is not running ("
                    + state.name().toLowerCase(java.util.Locale.ROOT) + ")"));
        }
        return master.purgeCache(uriPrefix);
    }

    void chainReload() {
        if (state == State.RUNNING) {
            master.post(new MasterEvent.Reload(true, "malt chain-reload"));
        }
    }

    /** Stops gracefully; {@code then} runs on the emperor thread once every worker is gone. */
    void stop(Runnable then) {
        if (state != State.RUNNING) {
            closeMaster();
            state = State.STOPPED;
            then.run();
            return;
        }
        state = State.STOPPING;
        afterStop = then;
        master.post(new MasterEvent.Stop("stopped by the emperor"));
        master.stopped().thenRun(() -> emperor.post(this::stopped));
    }

    private void stopped() {
        closeMaster();
        state = State.STOPPED;
        LOG.info("app {} stopped", name);
        Runnable next = afterStop;
        afterStop = () -> { };
        next.run();
    }

    /** Closes the master (which removes its unix sockets) and closes its log. */
    private void closeMaster() {
        if (master != null) {
            master.close(); // removes the socket files it bound, as whoever bound them; never systemd's
            master = null;
        }
        if (sink != null) {
            emperor.closeSink(name, sink);
            sink = null;
        }
    }

    boolean isThrottledAndDue(long nowMillis) {
        return state == State.THROTTLED && nowMillis >= retryAt;
    }

    void reopenLog() throws IOException {
        if (sink != null) {
            sink.reopen();
        }
    }

    /**
     * Whether the app has settled, for systemd's READY=1: "running" once every worker is ready, "failing" or
     * "broken" when it cannot start, empty while it starts, reloads or stops.
     */
    CompletableFuture<Optional<String>> settledState() {
        if (state == State.STOPPING) {
            // stopping to restart (its sockets changed) or to go away: either way not settled yet
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return status().thenApply(s -> s.settled(config == null ? 0 : config.workers()));
    }

    /** The app's stats (uWSGI's document, for {@code malt top}): the master's while it runs, else its status alone. */
    CompletableFuture<dev.malt.server.metrics.StatsSnapshot> statsSnapshot() {
        if (master != null && (state == State.RUNNING || state == State.STOPPING)) {
            return master.statsSnapshot();
        }
        return status().thenApply(s -> new dev.malt.server.metrics.StatsSnapshot(s, List.of(), 0, 0));
    }

    /** The app's metric families while it runs; none while it is broken, throttled or stopped. */
    CompletableFuture<List<io.prometheus.metrics.model.snapshots.MetricSnapshot>> metricSnapshots() {
        if (master != null && (state == State.RUNNING || state == State.STOPPING)) {
            return master.metricSnapshots();
        }
        return CompletableFuture.completedFuture(List.of());
    }

    /** The app's status: the master's own while it runs, else a line for its state and last error. */
    CompletableFuture<MasterStatus> status() {
        if (master != null && (state == State.RUNNING || state == State.STOPPING)) {
            return master.status().thenApply(s -> lastError.isEmpty() ? s : new MasterStatus(s.appName(),
                    s.masterPid(), s.state(), s.startedAtEpochMillis(), s.workers(),
                    s.lastError().isEmpty() ? lastError : s.lastError(), s.throttled()));
        }
        String shown = switch (state) {
            case THROTTLED -> "throttled";
            case BROKEN -> "broken";
            default -> "stopped";
        };
        return CompletableFuture.completedFuture(new MasterStatus(name, ProcessHandle.current().pid(), shown,
                bornAtEpochMillis, List.of(), lastError, state == State.THROTTLED));
    }
}
