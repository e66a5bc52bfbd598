package dev.malt.server.master;

import java.util.concurrent.CompletableFuture;

/** A started worker process, as the arbiter sees it. Real processes in production, fakes in tests. */
public interface WorkerHandle {

    long pid();

    /** Completes with the exit code when the process is gone (128+N for a signal N, as a shell shows it). */
    CompletableFuture<Integer> onExit();

    /** SIGKILL. */
    void kill();

    /** SIGQUIT: a JVM prints a thread dump to its stdout and carries on. */
    void dumpThreads();

    /** Resident set size in bytes, or -1 when unknown. */
    long rssBytes();

    /** Virtual size in bytes, or -1 when unknown. */
    long vszBytes();

    /** CPU time used so far by all its threads, in ms, or -1 when unknown. */
    default long cpuMillis() {
        return -1;
    }
}
