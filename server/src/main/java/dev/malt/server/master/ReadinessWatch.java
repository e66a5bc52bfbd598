package dev.malt.server.master;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Waits for a standalone master's workers to be up after its start or a reload, to tell systemd READY=1.
 * Each {@link #expect()} starts a new round; an answer that was asked for before it belongs to an older round
 * and is ignored, so a reload that follows a start closely never gets the start's READY=1.
 */
final class ReadinessWatch {

    private final AtomicLong round = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private boolean asking;

    /** A start or a reload begins: READY=1 is due once the workers are up again. */
    void expect() {
        round.incrementAndGet();
    }

    boolean waiting() {
        return answered.get() != round.get();
    }

    /** Asks the master, at most one question at a time; calls {@code ready} once per round. */
    synchronized void check(Master master, int workers, Consumer<String> ready) {
        if (!waiting() || asking) {
            return;
        }
        asking = true;
        long asked = round.get();
        master.status().whenComplete((status, failure) -> {
            synchronized (this) {
                asking = false;
                Optional<String> settled = failure == null ? status.settled(workers) : Optional.empty();
                if (settled.isPresent() && round.get() == asked && answered.get() != asked) {
                    answered.set(asked);
                    ready.accept(settled.get());
                }
            }
        });
    }
}
