package dev.malt.server.worker;

import dev.malt.server.metrics.WorkerMeters;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a worker counts on the request path: uWSGI's per-worker fields, which its heartbeat carries to the stats
 * server, and, unless {@code metrics-enabled = false}, its Micrometer meters. Every update is a counter.
 */
final class WorkerStats {

    private final LongAdder requests = new LongAdder();
    private final LongAdder exceptions = new LongAdder();
    private final LongAdder txBytes = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    /** Null when the worker keeps no meters. */
    private final WorkerMeters meters;

    WorkerStats() {
        this(null);
    }

    WorkerStats(WorkerMeters meters) {
        this.meters = meters;
    }

    /** A response ended; {@code status} is 0 when none began. */
    void requestDone(int status, long bytes, long nanos) {
        requests.increment();
        txBytes.add(bytes);
        totalNanos.add(nanos);
        if (meters != null) {
            meters.requestEnded(status, nanos);
        }
    }

    /** A request reached its app thread after waiting {@code nanos} for it. */
    void queued(long nanos) {
        if (meters != null) {
            meters.queued(nanos);
        }
    }

    /** Every app thread is taken: the worker stops accepting. */
    void saturated() {
        if (meters != null) {
            meters.saturated();
        }
    }

    void exception() {
        exceptions.increment();
    }

    long requests() {
        return requests.sum();
    }

    long exceptions() {
        return exceptions.sum();
    }

    long txBytes() {
        return txBytes.sum();
    }

    /** Average response time in microseconds, as uWSGI's avg_rt. */
    long averageMicros() {
        long n = requests.sum();
        return n == 0 ? 0 : totalNanos.sum() / n / 1000;
    }
}
