package dev.malt.server.worker;

import java.util.concurrent.atomic.LongAdder;

/** Counters a worker reports to its master for the stats server (uWSGI's per-worker fields). */
final class WorkerStats {

    private final LongAdder requests = new LongAdder();
    private final LongAdder exceptions = new LongAdder();
    private final LongAdder txBytes = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();

    void requestDone(long bytes, long nanos) {
        requests.increment();
        txBytes.add(bytes);
        totalNanos.add(nanos);
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
