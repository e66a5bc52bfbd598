package dev.malt.server.master;

/** One spawned worker process and what the arbiter knows of it. Touched only on the arbiter thread. */
final class WorkerProcess {

    enum State { STARTING, READY, STOPPING }

    final int slot;
    /** The reload round it was started in ({@link Arbiter}'s count of reloads); its code is that round's. */
    final int generation;
    final WorkerHandle handle;
    final long spawnedAt;
    final long spawnedAtEpochMillis = System.currentTimeMillis();
    /** The older process of the same slot that this one replaces once ready, or null. */
    WorkerProcess replaces;
    /** The newer process started to replace this one, or null. */
    WorkerProcess replacedBy;
    /**
     * To be replaced (reload, max-requests, reload-on-rss): once it is ready, a successor is launched,
     * and again after a backoff if that one fails to start. It serves until a successor is ready.
     */
    boolean recycle;
    State state = State.STARTING;
    ControlLink link;
    long readyAt;
    long lastHeartbeat;
    long stopRequestedAt;
    /** Its threads were dumped at {@link #harakiriAt} (harakiri or silence); it is killed after a grace. */
    boolean doomed;
    long harakiriAt;
    /** SIGKILL was sent; the exit is on its way. */
    boolean killed;
    long requests;
    long exceptions;
    long txBytes;
    long avgRtMicros;
    int busy;
    long oldestRequestMillis;
    String oldestRequest = "";
    String bootFailure;
    /**
     * Exit code of a starting worker whose exit arrived before its control connection closed: its
     * BOOT_FAILED line may still be on the way, so the exit is handled once the connection closes.
     */
    Integer pendingExitCode;
    long exitSeenAt;

    WorkerProcess(int slot, int generation, WorkerHandle handle, long now) {
        this.slot = slot;
        this.generation = generation;
        this.handle = handle;
        this.spawnedAt = now;
        this.lastHeartbeat = now;
    }

    long pid() {
        return handle.pid();
    }

    boolean isLive() {
        return state != State.STOPPING;
    }

    @Override
    public String toString() {
        return "worker " + slot + " (pid " + pid() + ")";
    }
}
