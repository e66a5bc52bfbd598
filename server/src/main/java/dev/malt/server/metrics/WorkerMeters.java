package dev.malt.server.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * The Micrometer meters of one worker JVM: its requests (by status class, with a latency histogram in fixed
 * buckets), its app threads, its traffic and exceptions, and the JVM's memory, GC, threads and classes from
 * Micrometer's binders. The worker updates them on the request path (each update is a counter or an atomic
 * bucket increment) and sends {@link #report()} to its master once a second; the master adds the {@code app}
 * and {@code worker} labels and serves them.
 *
 * <p>The registry is micrometer-registry-prometheus's own, so names, units and histogram semantics (buckets that
 * accumulate over the worker's life, a max that decays) are exactly what a Prometheus scrape of the master shows.
 *
 * <p>Thread-safe.
 */
public final class WorkerMeters implements AutoCloseable {

    /** What the worker counts anyway, read when a report is made: nothing on the request path. */
    public interface Gauges {
        /** Requests received and not yet answered. */
        int requestsActive();

        /** Requests running on an app thread now. */
        int threadsBusy();

        /** Requests waiting for an app thread now. */
        int requestsQueued();

        /** Requests whose app threw an exception, since the worker started. */
        long exceptions();
    }

    /** Index into {@link #requests}: no status (the response never started), then 1xx to 5xx. */
    private static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final ReportClock clock = new ReportClock();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new PrometheusRegistry(), clock);
    /** Made on a status class's first request, so an app that never answers 1xx has no series for it. */
    private final AtomicReferenceArray<Timer> requests = new AtomicReferenceArray<>(STATUS_CLASSES.length);
    private final Timer queued;
    private final Counter received;
    private final Counter sent;
    private final Counter saturated;
    private final JvmMeters jvm;
    private final int threads;

    /**
     * The request meters and the JVM's; {@link #bind} adds the gauges once the worker's server exists.
     *
     * @param threads the worker's app threads, or 0 for a virtual thread per request (no fixed maximum)
     */
    public WorkerMeters(int threads) {
        this.threads = threads;
        // No pause detector: it would add a thread that wakes 10 times a second and work to every record, to
        // correct for coordinated omission in client-side timings; a server's own timings have none to correct.
        registry.config().pauseDetector(new NoPauseDetector());
        requestTimer(2); // 2xx, so the family is there before the first request
        queued = Timer.builder("malt.request.queue")
                .description("How long requests waited for an app thread")
                .serviceLevelObjectives(LatencyHistogram.serviceLevelObjectives())
                .register(registry);
        received = Counter.builder("malt.received").baseUnit("bytes")
                .description("Bytes read from clients and frontends: request heads and bodies").register(registry);
        sent = Counter.builder("malt.sent").baseUnit("bytes")
                .description("Bytes written to clients and frontends: response heads and bodies").register(registry);
        saturated = Counter.builder("malt.threads.saturated")
                .description("Times every app thread was taken, so the worker stopped accepting").register(registry);
        jvm = new JvmMeters(registry);
    }

    /** Registers the gauges read from {@code gauges}; once, when the worker's server has started. */
    public void bind(Gauges gauges) {
        gauge("malt.requests.active", "Requests received and not yet answered", gauges::requestsActive);
        gauge("malt.requests.queued", "Requests waiting for an app thread", gauges::requestsQueued);
        gauge("malt.threads.busy", "App threads running a request", gauges::threadsBusy);
        if (threads > 0) {
            gauge("malt.threads.max", "App threads of the worker (threads)", () -> threads);
        }
        FunctionCounter.builder("malt.exceptions", gauges, Gauges::exceptions)
                .description("Requests whose app threw an exception").register(registry);
    }

    private void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** A response ended: {@code status} 0 when none began. */
    public void requestEnded(int status, long nanos) {
        int index = status >= 100 && status < 600 ? status / 100 : 0;
        Timer timer = requests.get(index);
        (timer != null ? timer : requestTimer(index)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The timer of a status class; the registry returns the same one to threads that race here. */
    private Timer requestTimer(int index) {
        Timer timer = Timer.builder("malt.requests")
                .description("Requests answered, by status class (none: the connection ended before a response"
                        + " began), and how long each took from its arrival to its last byte")
                .tag("status", STATUS_CLASSES[index])
                .serviceLevelObjectives(LatencyHistogram.serviceLevelObjectives())
                .register(registry);
        requests.set(index, timer);
        return timer;
    }

    /** A request reached its app thread after waiting {@code nanos} for it. */
    public void queued(long nanos) {
        queued.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Every app thread is taken. */
    public void saturated() {
        saturated.increment();
    }

    public void received(long bytes) {
        received.increment(bytes);
    }

    public void sent(long bytes) {
        sent.increment(bytes);
    }

    /** Every meter now, as one line for the master ({@link MetricsWire}); once a second, with the heartbeat. */
    public String report() {
        clock.tick();
        return MetricsWire.encode(registry.getPrometheusRegistry().scrape());
    }

    /**
     * The registry's clock, read on every record (to decide when the decaying max and the histogram rotate) and
     * set at each report: a volatile read instead of two clock calls per request, which cost more than the rest of
     * a record on a virtual machine. The max decays over minutes, so a second's precision is plenty.
     */
    static final class ReportClock implements Clock {
        private volatile long wallMillis = System.currentTimeMillis();
        private volatile long monotonicNanos = System.nanoTime();

        void tick() {
            wallMillis = System.currentTimeMillis();
            monotonicNanos = System.nanoTime();
        }

        @Override
        public long wallTime() {
            return wallMillis;
        }

        @Override
        public long monotonicTime() {
            return monotonicNanos;
        }
    }

    /** Stops listening for GC events. */
    @Override
    public void close() {
        jvm.close();
        registry.close();
    }
}
