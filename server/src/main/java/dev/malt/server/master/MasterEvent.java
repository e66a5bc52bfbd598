package dev.malt.server.master;

import dev.malt.server.control.ControlMessage;
import dev.malt.server.status.MasterStatus;

import java.util.concurrent.CompletableFuture;

/**
 * Everything that can happen to a master, queued for the arbiter's one thread. Signal handlers,
 * process-exit callbacks and I/O threads only post these; they never touch arbiter state.
 */
public sealed interface MasterEvent {

    record WorkerConnected(long pid, ControlLink link) implements MasterEvent {
    }

    record WorkerSaid(long pid, ControlMessage message) implements MasterEvent {
    }

    record ControlClosed(long pid) implements MasterEvent {
    }

    record WorkerExited(long pid, int exitCode) implements MasterEvent {
    }

    /** A reload: all workers at once (graceful) or one at a time (chain). */
    record Reload(boolean chain, String reason) implements MasterEvent {
    }

    /** New settings and a launcher with the new app config, then a graceful reload onto them. */
    record Reconfigure(MasterSettings settings, WorkerLauncher launcher, String reason) implements MasterEvent {
    }

    record Stop(String reason) implements MasterEvent {
    }

    /** Asks for a consistent snapshot, built on the arbiter thread. */
    record StatusQuery(CompletableFuture<MasterStatus> answer) implements MasterEvent {
    }

    /** Wakes the loop; posted by tests and timers. */
    record Wake() implements MasterEvent {
    }
}
