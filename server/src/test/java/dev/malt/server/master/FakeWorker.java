package dev.malt.server.master;

import java.util.concurrent.CompletableFuture;

/** A worker process that exists only on paper: it exits when the test says so and records signals. */
final class FakeWorker implements WorkerHandle {

    final int slot;
    private final long pid;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    int kills;
    int threadDumps;
    long rss = -1;
    long vsz = -1;
    long cpu = -1;
    /** Set once the worker connected: a real process's control connection closes when it exits. */
    Runnable onConnectionClosed = () -> { };

    FakeWorker(int slot, long pid) {
        this.slot = slot;
        this.pid = pid;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    /** The process ends; the arbiter hears of it through {@link #onExit()}, as with a real one. */
    void exit(int code) {
        exit.complete(code);
        onConnectionClosed.run();
    }

    boolean exited() {
        return exit.isDone();
    }

    @Override
    public void kill() {
        kills++;
    }

    @Override
    public void dumpThreads() {
        threadDumps++;
    }

    @Override
    public long rssBytes() {
        return rss;
    }

    @Override
    public long vszBytes() {
        return vsz;
    }

    @Override
    public long cpuMillis() {
        return cpu;
    }

    @Override
    public String toString() {
        return "fake worker " + slot + " (pid " + pid + ")";
    }
}
