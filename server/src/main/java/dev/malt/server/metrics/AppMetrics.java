package dev.malt.server.metrics;

import dev.malt.server.cache.CacheStats;
import dev.malt.server.status.MasterStatus.WorkerStatus;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One app's metrics, as its master serves them: the latest report of each worker (its Micrometer meters, sent
 * once a second over the control connection) plus what only the master knows (harakiri kills, respawns, memory
 * from /proc, listen queues, the response cache). Every series carries {@code app}; a worker's carry
 * {@code worker}, its slot number, so a respawned worker continues the series of the one it replaced.
 *
 * <p>Reports arrive on the control connection's event loop and are kept as they came; they are read only when
 * someone asks (a scrape, a stats read), so a worker's report costs its master nothing in between.
 */
public final class AppMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(AppMetrics.class);

    /** The family of the workers' request timers, whose buckets give the latencies in stats and {@code malt top}. */
    static final String REQUESTS_FAMILY = "malt_requests_seconds";

    private final String app;
    private final Map<Long, String> reports = new ConcurrentHashMap<>();

    public AppMetrics(String app) {
        this.app = app;
    }

    /** The latest report of the worker {@code pid}; replaces the one before. */
    public void report(long pid, String line) {
        reports.put(pid, line);
    }

    /** The worker is gone. */
    public void forget(long pid) {
        reports.remove(pid);
    }

    /** The latencies of the requests the worker {@code pid} answered, or null without a report. */
    public LatencyHistogram latency(long pid) {
        String line = reports.get(pid);
        return line == null ? null : MetricsWire.histogram(line, REQUESTS_FAMILY);
    }

    /** Every family of the app now: its workers' (one process per slot, as in stats) and its master's. */
    public List<MetricSnapshot> snapshots(StatsSnapshot stats) {
        List<MetricSnapshot> families = new ArrayList<>();
        Families own = new Families();
        for (WorkerStatus w : StatsJson.onePerSlot(stats.master().workers())) {
            Labels labels = Labels.of("app", app, "worker", Integer.toString(w.id()));
            String line = reports.get(w.pid());
            if (line != null) {
                try {
                    families.addAll(MetricsWire.decode(line, labels));
                } catch (IllegalArgumentException e) {
                    LOG.warn("app {}: the metrics report of worker {} (pid {}) is unreadable, left out: {}", app,
                            w.id(), w.pid(), e.getMessage());
                }
            }
            own.gauge("malt_worker_accepting", "1 while the worker accepts requests, 0 while it starts or stops",
                    labels, w.accepting() ? 1 : 0);
            own.counter("malt_worker_harakiri", "Workers of this slot killed by the master: a request over harakiri,"
                    + " or no heartbeat", labels, w.harakiriCount());
            own.counter("malt_worker_respawns", "Workers of this slot started after the first", labels,
                    w.respawnCount());
            if (w.rssBytes() >= 0) {
                own.gauge("malt_worker_rss_bytes", "Resident memory of the worker process, from /proc", labels,
                        w.rssBytes());
            }
            long pss = stats.detail(w.pid()).pssBytes();
            if (pss >= 0) {
                own.gauge("malt_worker_pss_bytes", "Proportional set size of the worker process, from /proc: its"
                        + " share of pages it shares with other processes, so the workers' PSS add up", labels, pss);
            }
        }
        Labels appLabels = Labels.of("app", app);
        for (StatsSnapshot.Socket socket : stats.sockets()) {
            Labels labels = Labels.of("app", app, "socket", socket.name());
            own.gauge("malt_listen_queue", "Connections the kernel accepted that no worker took yet (TCP sockets)",
                    labels, socket.queue());
            own.gauge("malt_listen_queue_limit", "The listen backlog: connections beyond it are refused", labels,
                    socket.maxQueue());
        }
        own.counter("malt_listen_queue_full", "Times a listen queue was seen full", appLabels,
                stats.listenQueueErrors());
        CacheStats cache = stats.cache();
        if (cache != null) {
            own.counter("malt_cache_hits", "Requests answered from the response cache", appLabels, cache.hits());
            own.counter("malt_cache_misses", "Cacheable requests that went to the app", appLabels, cache.misses());
            own.counter("malt_cache_passes", "Requests the cache rules let through uncached", appLabels, cache.passes());
            own.counter("malt_cache_stores", "Responses stored in the cache", appLabels, cache.stores());
            own.counter("malt_cache_coalesced", "Requests that waited for another one filling their entry", appLabels,
                    cache.coalesced());
            own.counter("malt_cache_errors", "Cache operations that failed (the backend was away)", appLabels,
                    cache.errors());
            if (cache.evictions() >= 0) {
                own.counter("malt_cache_evictions", "Entries removed to make room", appLabels, cache.evictions());
            }
            if (cache.items() >= 0) {
                own.gauge("malt_cache_items", "Entries in the cache", appLabels, cache.items());
            }
            if (cache.bytes() >= 0) {
                own.gauge("malt_cache_size_bytes", "Bytes the cache's entries take", appLabels, cache.bytes());
            }
        }
        families.addAll(own.build());
        return families;
    }

    /** Families built one data point at a time, in the order first seen. */
    private static final class Families {
        private final Map<String, CounterSnapshot.Builder> counters = new LinkedHashMap<>();
        private final Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();

        void counter(String name, String help, Labels labels, double value) {
            counters.computeIfAbsent(name, n -> CounterSnapshot.builder().name(n).help(help))
                    .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        void gauge(String name, String help, Labels labels, double value) {
            gauges.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help))
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        List<MetricSnapshot> build() {
            List<MetricSnapshot> all = new ArrayList<>();
            counters.values().forEach(b -> all.add(b.build()));
            gauges.values().forEach(b -> all.add(b.build()));
            return all;
        }
    }
}
