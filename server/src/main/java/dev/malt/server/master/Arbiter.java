package dev.malt.server.master;

import dev.malt.server.control.ControlMessage;
import dev.malt.server.status.MasterStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The master's loop, after Gunicorn's arbiter: one thread drains {@link MasterEvent}s, reaps workers,
 * checks heartbeats, harakiri and recycling limits, and keeps the pool at its size. Nothing else
 * touches its state, so it needs no locks; signal handlers, I/O threads and process-exit callbacks
 * only {@link #post} events.
 *
 * <p>Reloads replace a worker only once its successor is ready, so a reload never leaves a moment
 * with nobody accepting, and a new version that fails to boot leaves the old workers serving.
 */
public final class Arbiter {

    private static final Logger LOG = LoggerFactory.getLogger(Arbiter.class);

    /**
     * Longest the loop sleeps between checks; also how often touch files are polled, for changes that
     * {@link dev.malt.server.watch.FileChanges} cannot report (a directory created later, a network file system).
     */
    static final long TICK_MILLIS = 200;
    /** Pause between the thread dump (SIGQUIT) and SIGKILL of a harakiri, so the dump reaches the log. */
    static final long HARAKIRI_DUMP_GRACE_MILLIS = 500;
    /**
     * Added to the mercy before a stopping worker is killed. The worker runs the same mercy on its own
     * timer, which starts when the STOP line arrives, so it gets to exit by itself first.
     */
    static final long MERCY_GRACE_MILLIS = 1_000;
    /** Deaths of ready workers within this window that count as a respawn storm. */
    static final long STORM_WINDOW_MILLIS = 10_000;
    static final int STORM_DEATHS = 5;

    public enum State { RUNNING, STOPPING, STOPPED }

    /**
     * "No backoff", below any clock reading. The clock is monotonic but its origin is arbitrary (like
     * {@link System#nanoTime()}, it may read 0 or less), so 0 cannot stand for "never".
     */
    private static final long NO_BACKOFF = Long.MIN_VALUE;

    /** Replaced only by a {@link MasterEvent.Reconfigure}, on the arbiter thread. */
    private MasterSettings settings;
    /** How touch-reload files are looked at: as the app's user in tyrant mode. */
    private final TouchFiles touchFiles;
    private WorkerLauncher launcher;
    private final MasterClock clock;
    private final long masterPid;
    private final long startedAtEpochMillis = System.currentTimeMillis();
    private final BlockingQueue<MasterEvent> events = new LinkedBlockingQueue<>();
    private final List<WorkerProcess> processes = new ArrayList<>();
    private final Map<Integer, SlotRecord> slots = new HashMap<>();
    private final Map<Path, Long> touchStamps = new LinkedHashMap<>();
    /** Slots a chain reload has yet to replace, in order. */
    private final Deque<Integer> chainQueue = new ArrayDeque<>();
    /** The slot a chain reload is replacing now, or 0. */
    private int chainSlot;
    /** Counts reloads; each process records the one it was started in. */
    private int generation;
    /** The reload under way, until every slot has a ready worker of its generation; or null. */
    private ReloadRound reloadRound;

    private Runnable reloadListener = () -> { };
    private State state = State.RUNNING;
    private String lastError = "";
    /**
     * The start failure last logged at ERROR, for the whole app: N workers failing for the same
     * reason are one problem, reported once. Cleared when a worker becomes ready.
     */
    private String reportedFailure;
    private long stopDeadline;

    /** What survives the processes of one slot: counters, backoff and the last failure. */
    private static final class SlotRecord {
        long respawns;
        long harakiris;
        int bootFailures;
        /** No launch for this slot before this time; {@link #NO_BACKOFF} when there is no backoff. */
        long nextSpawnAt = NO_BACKOFF;
        final Deque<Long> recentDeaths = new ArrayDeque<>();
    }

    public Arbiter(MasterSettings settings, WorkerLauncher launcher, MasterClock clock) {
        this(settings, launcher, clock, TouchFiles.DIRECT);
    }

    Arbiter(MasterSettings settings, WorkerLauncher launcher, MasterClock clock, TouchFiles touchFiles) {
        this.touchFiles = Objects.requireNonNull(touchFiles);
        this.settings = Objects.requireNonNull(settings);
        this.launcher = Objects.requireNonNull(launcher);
        this.clock = Objects.requireNonNull(clock);
        this.masterPid = ProcessHandle.current().pid();
        for (int slot = 1; slot <= settings.workers(); slot++) {
            slots.put(slot, new SlotRecord());
        }
        for (Path file : settings.touchReload()) {
            touchStamps.put(file, mtime(file));
        }
        for (Path file : settings.touchChainReload()) {
            touchStamps.put(file, mtime(file));
        }
    }

    /** Runs on the arbiter thread at the start of every reload (the standalone master reopens its log). */
    public void onReload(Runnable listener) {
        this.reloadListener = Objects.requireNonNull(listener);
    }

    /** Thread-safe: queues an event for the loop. */
    public void post(MasterEvent event) {
        events.add(event);
    }

    /** Runs the loop until every worker has stopped after a {@link MasterEvent.Stop}. */
    public void run() throws InterruptedException {
        while (state != State.STOPPED) {
            runOnce(TICK_MILLIS);
        }
    }

    /** One turn: waits up to {@code maxWaitMillis} for an event, handles all queued events, then checks. */
    public void runOnce(long maxWaitMillis) throws InterruptedException {
        MasterEvent event = events.poll(maxWaitMillis, TimeUnit.MILLISECONDS);
        while (event != null) {
            handle(event);
            event = events.poll();
        }
        tick();
    }

    public State state() {
        return state;
    }

    // ---- events -------------------------------------------------------------------------------

    private void handle(MasterEvent event) {
        if (event instanceof MasterEvent.WorkerConnected connected) {
            onConnected(connected.pid(), connected.link());
        } else if (event instanceof MasterEvent.WorkerSaid said) {
            onMessage(said.pid(), said.message());
        } else if (event instanceof MasterEvent.WorkerExited exited) {
            onExit(exited.pid(), exited.exitCode());
        } else if (event instanceof MasterEvent.ControlClosed closed) {
            WorkerProcess process = find(closed.pid());
            if (process != null) {
                process.link = null;
                if (process.pendingExitCode != null) {
                    onExit(process.pid(), process.pendingExitCode);
                }
            }
        } else if (event instanceof MasterEvent.Reconfigure reconfigure) {
            reconfigure(reconfigure.settings(), reconfigure.launcher(), reconfigure.reason());
        } else if (event instanceof MasterEvent.Reload reload) {
            reload(reload.chain(), reload.reason());
        } else if (event instanceof MasterEvent.Stop stop) {
            stop(stop.reason());
        } else if (event instanceof MasterEvent.StatusQuery query) {
            query.answer().complete(status());
        }
    }

    private void onConnected(long pid, ControlLink link) {
        WorkerProcess process = find(pid);
        if (process == null) {
            LOG.warn("control connection from pid {}, which is not a worker of {}; closed", pid, settings.appName());
            link.close();
            return;
        }
        process.link = link;
        link.sendListeners();
        if (process.state == WorkerProcess.State.STOPPING) {
            link.send(stopMessage());
        }
    }

    private void onMessage(long pid, ControlMessage message) {
        WorkerProcess process = find(pid);
        if (process == null) {
            return;
        }
        long now = clock.millis();
        switch (message.verb()) {
            case ControlMessage.READY -> onReady(process, now);
            case ControlMessage.HEARTBEAT -> {
                process.lastHeartbeat = now;
                process.requests = message.longField("requests", process.requests);
                process.exceptions = message.longField("exceptions", process.exceptions);
                process.txBytes = message.longField("tx", process.txBytes);
                process.avgRtMicros = message.longField("avg_rt", process.avgRtMicros);
                process.busy = (int) message.longField("busy", 0);
                process.oldestRequestMillis = message.longField("oldest", 0);
                process.oldestRequest = message.fields().getOrDefault("oldest_uri", "");
            }
            case ControlMessage.BOOT_FAILED -> process.bootFailure = message.text();
            case ControlMessage.RECYCLE -> {
                if (process.state == WorkerProcess.State.READY && !process.recycle) {
                    LOG.info("{} of {} asks to be replaced ({}); recycling it", process, settings.appName(),
                            message.text());
                    process.recycle = true;
                }
            }
            default -> LOG.warn("{} sent an unknown control message: {}", process, message.verb());
        }
    }

    private void onReady(WorkerProcess process, long now) {
        if (process.state != WorkerProcess.State.STARTING || process.killed) {
            // Too late: a boot timeout already killed it, and its exit is a failed start.
            return;
        }
        process.state = WorkerProcess.State.READY;
        process.readyAt = now;
        process.lastHeartbeat = now;
        SlotRecord slot = slots.get(process.slot);
        if (slot.bootFailures > 0) {
            LOG.info("{} of {} is serving again after {} failed start(s)", process, settings.appName(), slot.bootFailures);
        }
        slot.bootFailures = 0;
        reportedFailure = null;
        long cpu = process.handle.cpuMillis();
        if (cpu >= 0) {
            // CPU against wall time: how much of the wait was the worker's own work, how much the machine's load.
            LOG.info("{} of {} ready in {} ms ({} ms of CPU)", process, settings.appName(), now - process.spawnedAt, cpu);
        } else {
            LOG.info("{} of {} ready in {} ms", process, settings.appName(), now - process.spawnedAt);
        }
        launcher.ready(process.handle);
        WorkerProcess old = process.replaces;
        if (old != null) {
            process.replaces = null;
            requestStop(old, "replaced by pid " + process.pid());
        }
    }

    private void onExit(long pid, int exitCode) {
        WorkerProcess process = find(pid);
        if (process == null) {
            return;
        }
        if (process.state == WorkerProcess.State.STARTING && process.link != null && process.pendingExitCode == null) {
            // Process exit and control lines travel separately; wait for the line that says why.
            process.pendingExitCode = exitCode;
            process.exitSeenAt = clock.millis();
            return;
        }
        processes.remove(process);
        if (process.link != null) {
            process.link.close();
        }
        long now = clock.millis();
        SlotRecord slot = slots.get(process.slot);
        if (process.replacedBy != null && process.replacedBy.replaces == process) {
            process.replacedBy.replaces = null;
        }
        if (process.replaces != null) {
            // A replacement died before it was ready: the old process goes on serving.
            process.replaces.replacedBy = null;
        }
        if (process.state == WorkerProcess.State.STOPPING) {
            LOG.info("{} of {} exited ({})", process, settings.appName(), describeExit(exitCode));
            return;
        }
        if (state != State.RUNNING) {
            return;
        }
        if (process.state == WorkerProcess.State.STARTING) {
            onBootFailure(process, slot, exitCode, now);
            return;
        }
        slot.respawns++;
        slot.recentDeaths.addLast(now);
        while (!slot.recentDeaths.isEmpty() && now - slot.recentDeaths.peekFirst() > STORM_WINDOW_MILLIS) {
            slot.recentDeaths.pollFirst();
        }
        lastError = process + " died (" + describeExit(exitCode) + ")";
        if (slot.recentDeaths.size() >= STORM_DEATHS) {
            long delay = backoff(slot.recentDeaths.size() - STORM_DEATHS + 1);
            slot.nextSpawnAt = now + delay;
            LOG.error("{} of {} died ({}); {} deaths in {} s, respawning in {} ms", process, settings.appName(),
                    describeExit(exitCode), slot.recentDeaths.size(), STORM_WINDOW_MILLIS / 1000, delay);
        } else {
            LOG.warn("{} of {} died ({}); respawning", process, settings.appName(), describeExit(exitCode));
        }
    }

    private void onBootFailure(WorkerProcess process, SlotRecord slot, int exitCode, long now) {
        slot.bootFailures++;
        long delay = backoff(slot.bootFailures);
        slot.nextSpawnAt = now + delay;
        String cause = process.bootFailure != null ? process.bootFailure
                : "the worker exited before it was ready (" + describeExit(exitCode) + "); see its output above";
        lastError = cause;
        if (!cause.equals(reportedFailure)) {
            reportedFailure = cause;
            LOG.error("app {} failed to start (worker {}): {}. Retrying with backoff; fix the app or its config, "
                    + "then touch the INI file or run 'malt reload'.", settings.appName(), process.slot, cause);
        } else {
            LOG.debug("app {} still fails to start; next attempt in {} ms", settings.appName(), delay);
        }
    }

    // ---- commands -----------------------------------------------------------------------------

    private void reload(boolean chain, String reason) {
        if (state != State.RUNNING) {
            return;
        }
        reloadListener.run();
        long now = clock.millis();
        if (reloadRound != null) {
            LOG.info("the {} reload of {} begun {} ms ago is superseded by a new one", reloadRound.kind(),
                    settings.appName(), now - reloadRound.startedAt());
        }
        generation++;
        reloadRound = new ReloadRound(generation, chain, reason, now);
        LOG.info("{} reload of {} ({}): replacing {}", reloadRound.kind(), settings.appName(), reason,
                workerCount(settings.workers()));
        for (SlotRecord slot : slots.values()) {
            // An operator's reload is a fresh attempt: no waiting out a boot-failure backoff.
            slot.nextSpawnAt = NO_BACKOFF;
        }
        chainQueue.clear();
        chainSlot = 0;
        if (chain) {
            for (int slot = 1; slot <= settings.workers(); slot++) {
                chainQueue.add(slot);
            }
            advanceChain();
        } else {
            for (WorkerProcess process : List.copyOf(processes)) {
                supersede(process, reason);
            }
        }
    }

    /**
     * A reload's verdict on one process. A ready one is marked for replacement, and serves until a
     * successor is ready ({@link #startSuccessors}). One still starting may have loaded the code being
     * replaced and has nothing in flight: it is stopped now, and its slot starts afresh.
     */
    private void supersede(WorkerProcess process, String reason) {
        if (process.state == WorkerProcess.State.READY) {
            process.recycle = true;
        } else if (process.state == WorkerProcess.State.STARTING) {
            requestStop(process, "started before the reload (" + reason + ")");
        }
    }

    /**
     * Takes a changed app config (the emperor saw its INI change) and reloads with it: new workers get
     * the new config, old ones finish. A smaller pool stops the surplus slots.
     */
    private void reconfigure(MasterSettings next, WorkerLauncher nextLauncher, String reason) {
        if (state != State.RUNNING) {
            return;
        }
        int before = settings.workers();
        settings = next;
        launcher = nextLauncher;
        for (int slot = before + 1; slot <= next.workers(); slot++) {
            slots.putIfAbsent(slot, new SlotRecord());
        }
        Map<Path, Long> stamps = new LinkedHashMap<>();
        for (Path file : next.touchReload()) {
            stamps.put(file, touchStamps.getOrDefault(file, mtime(file)));
        }
        for (Path file : next.touchChainReload()) {
            stamps.put(file, touchStamps.getOrDefault(file, mtime(file)));
        }
        touchStamps.clear();
        touchStamps.putAll(stamps);
        for (WorkerProcess process : List.copyOf(processes)) {
            if (process.slot > next.workers()) {
                requestStop(process, "the pool shrank to " + next.workers());
            }
        }
        reload(false, reason);
    }

    /** Marks the next slot of a chain reload once the current one is done, that is, serving new code. */
    private void advanceChain() {
        while (chainSlot != 0 || !chainQueue.isEmpty()) {
            if (chainSlot != 0) {
                if (replacing(chainSlot)) {
                    return;
                }
                chainSlot = 0;
            }
            Integer slot = chainQueue.pollFirst();
            if (slot != null) {
                chainSlot = slot;
                for (WorkerProcess process : List.copyOf(processes)) {
                    if (process.slot == slot) {
                        supersede(process, "chain reload");
                    }
                }
            }
        }
    }

    /** Whether a chain reload still waits for a slot: until a ready process not marked for replacement serves it. */
    private boolean replacing(int slot) {
        for (WorkerProcess process : processes) {
            if (process.slot == slot && process.state == WorkerProcess.State.READY && !process.recycle) {
                return false;
            }
        }
        return true;
    }

    /**
     * Launches a successor for each ready process marked for replacement (reload, max-requests,
     * reload-on-rss) that has none, unless its slot is backing off after a failed start. The marked
     * process keeps serving until its successor is ready, however many attempts that takes.
     */
    private void startSuccessors(long now) {
        for (WorkerProcess process : List.copyOf(processes)) {
            if (process.recycle && process.state == WorkerProcess.State.READY && process.replacedBy == null
                    && !process.doomed && now >= slots.get(process.slot).nextSpawnAt) {
                replace(process);
            }
        }
    }

    private void stop(String reason) {
        if (state != State.RUNNING) {
            return;
        }
        LOG.info("stopping {} ({}); in-flight requests get up to {} s", settings.appName(), reason,
                settings.reloadMercyMillis() / 1000);
        state = State.STOPPING;
        stopDeadline = clock.millis() + settings.reloadMercyMillis() + MERCY_GRACE_MILLIS;
        chainQueue.clear();
        chainSlot = 0;
        reloadRound = null;
        for (WorkerProcess process : List.copyOf(processes)) {
            requestStop(process, reason);
        }
    }

    private void replace(WorkerProcess old) {
        WorkerProcess successor = spawn(old.slot);
        if (successor != null) {
            successor.replaces = old;
            old.replacedBy = successor;
        }
    }

    private void requestStop(WorkerProcess process, String why) {
        if (process.state == WorkerProcess.State.STOPPING) {
            return;
        }
        boolean wasReady = process.state == WorkerProcess.State.READY;
        process.state = WorkerProcess.State.STOPPING;
        process.stopRequestedAt = clock.millis();
        LOG.info("stopping {} of {}: {}", process, settings.appName(), why);
        if (wasReady && process.link != null) {
            process.link.send(stopMessage());
        } else {
            // Not serving yet: nothing in flight to protect.
            kill(process);
        }
        if (process.replaces != null) {
            // A successor given up on: the process it was to replace may get another at once.
            process.replaces.replacedBy = null;
            process.replaces = null;
        }
    }

    private ControlMessage stopMessage() {
        return ControlMessage.withFields(ControlMessage.STOP, Map.of("mercy", Long.toString(settings.reloadMercyMillis())));
    }

    // ---- periodic checks ----------------------------------------------------------------------

    /** How long an exit waits for its worker's control connection to close (and say why it failed). */
    static final long EXIT_REASON_GRACE_MILLIS = 1_000;

    private void tick() {
        long now = clock.millis();
        for (WorkerProcess process : List.copyOf(processes)) {
            if (process.pendingExitCode != null && now - process.exitSeenAt >= EXIT_REASON_GRACE_MILLIS) {
                process.link = null;
                onExit(process.pid(), process.pendingExitCode);
            }
        }
        if (state == State.RUNNING) {
            checkTouchFiles();
            checkWorkers(now);
            advanceChain();
            fillSlots(now);
            startSuccessors(now);
            checkReloadComplete(now);
        } else if (state == State.STOPPING) {
            if (processes.isEmpty()) {
                state = State.STOPPED;
                LOG.info("all workers of {} stopped", settings.appName());
                return;
            }
            if (now > stopDeadline) {
                for (WorkerProcess process : processes) {
                    if (!process.killed) {
                        LOG.warn("{} of {} did not finish within the mercy of {} s; killed", process,
                                settings.appName(), settings.reloadMercyMillis() / 1000);
                        kill(process);
                    }
                }
            }
        }
    }

    /**
     * Ends the reload round once every slot is served by a ready worker started for it, and no worker of an older
     * generation still accepts; old ones may still be finishing their requests. The line is read by scripts
     * (bench/run): keep its wording.
     */
    private void checkReloadComplete(long now) {
        if (reloadRound == null) {
            return;
        }
        for (int slot = 1; slot <= settings.workers(); slot++) {
            boolean fresh = false;
            for (WorkerProcess process : processes) {
                if (process.slot == slot && process.state == WorkerProcess.State.READY
                        && process.generation == reloadRound.generation()) {
                    fresh = true;
                    break;
                }
            }
            if (!fresh) {
                return;
            }
        }
        for (WorkerProcess process : processes) {
            if (process.isLive() && process.generation < reloadRound.generation()) {
                return;
            }
        }
        LOG.info("reload complete: {} replaced in {} ms ({} reload of {}, {})", workerCount(settings.workers()),
                now - reloadRound.startedAt(), reloadRound.kind(), settings.appName(), reloadRound.reason());
        reloadRound = null;
    }

    private static String workerCount(int workers) {
        return workers == 1 ? "1 worker" : workers + " workers";
    }

    private void fillSlots(long now) {
        for (int slot = 1; slot <= settings.workers(); slot++) {
            SlotRecord record = slots.get(slot);
            if (live(slot) == null && now >= record.nextSpawnAt) {
                spawn(slot);
            }
        }
    }

    private void checkWorkers(long now) {
        for (WorkerProcess process : List.copyOf(processes)) {
            switch (process.state) {
                case STARTING -> {
                    // Killed once: the exit may take a few turns to be reported.
                    if (!process.killed && now - process.spawnedAt > settings.bootTimeoutMillis()) {
                        process.bootFailure = "not ready after " + settings.bootTimeoutMillis() / 1000 + " s";
                        LOG.error("{} of {} was not ready after {} s; killed", process, settings.appName(),
                                settings.bootTimeoutMillis() / 1000);
                        kill(process);
                    }
                }
                case READY -> checkReadyWorker(process, now);
                case STOPPING -> {
                    if (!process.killed && now - process.stopRequestedAt > settings.reloadMercyMillis() + MERCY_GRACE_MILLIS) {
                        LOG.warn("{} of {} did not finish within the mercy of {} s; killed", process,
                                settings.appName(), settings.reloadMercyMillis() / 1000);
                        kill(process);
                    }
                }
            }
        }
    }

    private void checkReadyWorker(WorkerProcess process, long now) {
        if (process.doomed) {
            if (!process.killed && now - process.harakiriAt >= HARAKIRI_DUMP_GRACE_MILLIS) {
                kill(process);
            }
            return;
        }
        long harakiri = settings.harakiriMillis();
        if (harakiri > 0 && process.oldestRequestMillis > harakiri) {
            slots.get(process.slot).harakiris++;
            lastError = "harakiri: " + process.oldestRequest + " ran " + process.oldestRequestMillis + " ms";
            LOG.error("HARAKIRI on {} of {}: request {} has run {} ms, over harakiri = {} s; thread dump follows, "
                            + "then the worker is killed and respawned", process, settings.appName(),
                    process.oldestRequest, process.oldestRequestMillis, harakiri / 1000);
            process.handle.dumpThreads();
            process.doomed = true;
            process.harakiriAt = now;
            return;
        }
        if (now - process.lastHeartbeat > settings.heartbeatTimeoutMillis()) {
            // A hung worker is a harakiri in all but name: counted as one, so stats show why it went.
            slots.get(process.slot).harakiris++;
            lastError = process + " stopped sending heartbeats";
            LOG.error("{} of {} sent no heartbeat for {} s; presumed hung, thread dump follows, then it is killed",
                    process, settings.appName(), (now - process.lastHeartbeat) / 1000);
            process.handle.dumpThreads();
            process.doomed = true;
            process.harakiriAt = now;
            return;
        }
        if (process.recycle) {
            return;
        }
        if (settings.maxRequests() > 0 && process.requests >= settings.maxRequests()) {
            LOG.info("{} of {} served {} requests (max-requests = {}); recycling it", process, settings.appName(),
                    process.requests, settings.maxRequests());
            process.recycle = true;
            return;
        }
        if (settings.reloadOnRssBytes() > 0) {
            long rss = process.handle.rssBytes();
            if (rss > settings.reloadOnRssBytes()) {
                LOG.info("{} of {} has {} MB resident (reload-on-rss = {} MB); recycling it", process,
                        settings.appName(), rss >> 20, settings.reloadOnRssBytes() >> 20);
                process.recycle = true;
            }
        }
    }

    private void checkTouchFiles() {
        boolean reload = false;
        boolean chain = false;
        for (Map.Entry<Path, Long> entry : touchStamps.entrySet()) {
            long stamp = mtime(entry.getKey());
            if (stamp != entry.getValue()) {
                entry.setValue(stamp);
                if (stamp != -1) {
                    if (settings.touchChainReload().contains(entry.getKey())) {
                        chain = true;
                    } else {
                        reload = true;
                    }
                    LOG.info("{} was touched", entry.getKey());
                }
            }
        }
        if (reload) {
            reload(false, "touch-reload");
        } else if (chain) {
            reload(true, "touch-chain-reload");
        }
    }

    private long mtime(Path file) {
        return touchFiles.lastModified(file);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private WorkerProcess spawn(int slot) {
        long now = clock.millis();
        try {
            WorkerHandle handle = launcher.launch(slot);
            WorkerProcess process = new WorkerProcess(slot, generation, handle, now);
            processes.add(process);
            handle.onExit().thenAccept(code -> post(new MasterEvent.WorkerExited(handle.pid(), code)));
            LOG.debug("spawned {} of {}", process, settings.appName());
            return process;
        } catch (IOException | RuntimeException e) {
            SlotRecord record = slots.get(slot);
            record.bootFailures++;
            long delay = backoff(record.bootFailures);
            record.nextSpawnAt = now + delay;
            String cause = "cannot start a worker JVM: " + e.getMessage();
            lastError = cause;
            if (!cause.equals(reportedFailure)) {
                reportedFailure = cause;
                LOG.error("app {}: {}. Check java-home and jvm-options; retrying with backoff.", settings.appName(), cause);
            }
            return null;
        }
    }

    /** The non-stopping process of a slot that is not itself a pending replacement, or null. */
    private WorkerProcess live(int slot) {
        WorkerProcess found = null;
        for (WorkerProcess process : processes) {
            if (process.slot == slot && process.isLive()) {
                if (process.replaces == null) {
                    return process;
                }
                found = process;
            }
        }
        return found;
    }

    /** SIGKILL, once: the process stays in the books until its exit is reported. */
    private static void kill(WorkerProcess process) {
        if (!process.killed) {
            process.killed = true;
            process.handle.kill();
        }
    }

    private WorkerProcess find(long pid) {
        for (WorkerProcess process : processes) {
            if (process.pid() == pid) {
                return process;
            }
        }
        return null;
    }

    private long backoff(int failures) {
        long delay = settings.minBackoffMillis() << Math.min(20, Math.max(0, failures - 1));
        return Math.min(delay, settings.maxBackoffMillis());
    }

    static String describeExit(int code) {
        return code > 128 && code < 160 ? "killed by signal " + (code - 128) : "exit code " + code;
    }

    /** A snapshot for status and stats; call on the arbiter thread (or through a StatusQuery). */
    MasterStatus status() {
        long now = clock.millis();
        List<MasterStatus.WorkerStatus> workers = new ArrayList<>();
        boolean throttled = false;
        for (WorkerProcess p : processes) {
            SlotRecord slot = slots.get(p.slot);
            workers.add(new MasterStatus.WorkerStatus(p.slot, p.pid(), stateName(p), p.state == WorkerProcess.State.READY,
                    p.requests, p.exceptions, slot.harakiris, p.handle.rssBytes(), p.handle.vszBytes(),
                    now - p.spawnedAt, p.spawnedAtEpochMillis / 1000, slot.respawns, p.txBytes, p.avgRtMicros, p.busy));
        }
        for (SlotRecord slot : slots.values()) {
            // Failing to start, or holding back a respawn after a storm.
            throttled |= slot.bootFailures > 0 || slot.nextSpawnAt > now;
        }
        workers.sort((a, b) -> a.id() != b.id() ? Integer.compare(a.id(), b.id()) : Long.compare(a.pid(), b.pid()));
        String stateName = switch (state) {
            case RUNNING -> processes.stream().anyMatch(p -> p.replaces != null || p.recycle && p.isLive())
                    || chainSlot != 0 || !chainQueue.isEmpty() ? "reloading" : throttled ? "throttled" : "running";
            case STOPPING -> "stopping";
            case STOPPED -> "stopped";
        };
        return new MasterStatus(settings.appName(), masterPid, stateName, startedAtEpochMillis, workers, lastError,
                throttled);
    }

    private static String stateName(WorkerProcess p) {
        return switch (p.state) {
            case STARTING -> "starting";
            case READY -> p.busy > 0 ? "busy" : "idle";
            case STOPPING -> "stopping";
        };
    }
}
