package dev.malt.server.master;

import java.io.IOException;

/** Starts worker processes. The arbiter calls it on its own thread only. */
public interface WorkerLauncher {

    /**
     * Starts the worker for {@code slot} (1-based id, as shown in ps and stats).
     *
     * @throws IOException if the process could not be started at all (bad java-home, for example)
     */
    WorkerHandle launch(int slot) throws IOException;

    /** The worker sent READY: what it was started with was good enough to start. */
    default void ready(WorkerHandle worker) {
    }
}
