package dev.malt.server.metrics;

import dev.malt.server.cache.CacheStats;
import dev.malt.server.status.MasterStatus.WorkerStatus;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.malt.server.metrics.WorkerMetersTest.family;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppMetricsTest {

    /** The report of a worker that answered {@code ok} requests with 200. */
    private static String report(int ok) {
        try (WorkerMeters meters = new WorkerMeters(4)) {
            for (int i = 0; i < ok; i++) {
                meters.requestEnded(200, TimeUnit.MILLISECONDS.toNanos(3));
            }
            return meters.report();
        }
    }

    @Test
    void workersAreLabelledByAppAndSlotAndTheMasterAddsWhatOnlyItKnows() {
        AppMetrics metrics = new AppMetrics("shop");
        metrics.report(101, report(5));
        metrics.report(102, report(3));
        WorkerStatus w2 = new WorkerStatus(2, 102, "idle", true, 3, 0, 1, 80L << 20, 1L << 30, 5_000,
                Snapshots.SPAWNED, 2, 0, 300, 0);
        StatsSnapshot base = Snapshots.snapshot(Snapshots.worker(1, 101, 5, 0), w2);
        StatsSnapshot stats = new StatsSnapshot(base.master(), base.sockets(), 3, 1,
                new CacheStats("memory", 90, 10, 0, 10, 0, 0, 10, 4096, 0),
                Map.of(101L, new StatsSnapshot.WorkerDetail(50L << 20, null)));

        List<MetricSnapshot> families = metrics.snapshots(stats);

        List<HistogramSnapshot> requests = families.stream()
                .filter(f -> f.getMetadata().getPrometheusName().equals("malt_requests_seconds"))
                .map(HistogramSnapshot.class::cast).toList();
        assertEquals(2, requests.size(), "a family per worker here; the endpoint merges families of one name");
        assertEquals(Labels.of("app", "shop", "status", "2xx", "worker", "1"),
                requests.get(0).getDataPoints().get(0).getLabels());
        long total = families.stream().filter(f -> f.getMetadata().getPrometheusName().equals("malt_requests_seconds"))
                .flatMap(f -> ((HistogramSnapshot) f).getDataPoints().stream()).mapToLong(p -> p.getCount()).sum();
        assertEquals(8, total);

        assertEquals(1, value(families, "malt_worker_harakiri", "2"));
        assertEquals(2, value(families, "malt_worker_respawns", "2"));
        assertEquals(80L << 20, value(families, "malt_worker_rss_bytes", "2"));
        assertEquals(50L << 20, value(families, "malt_worker_pss_bytes", "1"));
        assertTrue(points(families, "malt_worker_pss_bytes").stream().noneMatch(p -> "2".equals(p.getLabels().get("worker"))),
                "an unknown PSS is left out, not 0");
        assertEquals(1, value(families, "malt_worker_accepting", "1"));
        assertEquals(90, ((CounterSnapshot) family(families, "malt_cache_hits")).getDataPoints().get(0).getValue());
        assertEquals(4096, ((GaugeSnapshot) family(families, "malt_cache_size_bytes")).getDataPoints().get(0).getValue());
        GaugeSnapshot queue = (GaugeSnapshot) family(families, "malt_listen_queue");
        assertEquals(3, queue.getDataPoints().stream()
                .filter(p -> p.getLabels().equals(Labels.of("app", "shop", "socket", "/run/malt/app/shop.sock")))
                .findFirst().orElseThrow().getValue());
        assertEquals(1, ((CounterSnapshot) family(families, "malt_listen_queue_full")).getDataPoints().get(0).getValue());

        assertEquals(5, metrics.latency(101).count());
        metrics.forget(101);
        assertNull(metrics.latency(101));
    }

    @Test
    void duringAReloadASlotShowsOneProcessAsInStats() {
        AppMetrics metrics = new AppMetrics("shop");
        metrics.report(101, report(50));
        metrics.report(301, report(2));
        WorkerStatus old = new WorkerStatus(1, 101, "stopping", false, 50, 0, 0, 0, 0, 9_000, Snapshots.SPAWNED, 0,
                0, 100, 1);
        WorkerStatus fresh = new WorkerStatus(1, 301, "idle", true, 2, 0, 0, 0, 0, 10, Snapshots.SPAWNED + 60, 1, 0,
                0, 0);
        List<MetricSnapshot> families = metrics.snapshots(Snapshots.snapshot(old, fresh));
        List<HistogramSnapshot.HistogramDataPointSnapshot> requests = families.stream()
                .filter(f -> f.getMetadata().getPrometheusName().equals("malt_requests_seconds"))
                .flatMap(f -> ((HistogramSnapshot) f).getDataPoints().stream()).toList();
        assertEquals(1, requests.size(), "one series per slot: the accepting process");
        assertEquals(2, requests.get(0).getCount());
    }

    @Test
    void anUnreadableReportIsLeftOutNotTheScrape() {
        AppMetrics metrics = new AppMetrics("shop");
        metrics.report(101, "{not json");
        List<MetricSnapshot> families = metrics.snapshots(Snapshots.snapshot(Snapshots.worker(1, 101, 5, 0)));
        assertEquals(1, value(families, "malt_worker_accepting", "1"));
        assertNull(metrics.latency(101));
    }

    private static List<? extends DataPointSnapshot> points(List<MetricSnapshot> families, String name) {
        return family(families, name).getDataPoints();
    }

    private static double value(List<MetricSnapshot> families, String name, String worker) {
        for (DataPointSnapshot point : points(families, name)) {
            if (worker.equals(point.getLabels().get("worker"))) {
                return point instanceof CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
                        : ((GaugeSnapshot.GaugeDataPointSnapshot) point).getValue();
            }
        }
        throw new AssertionError("no point of " + name + " for worker " + worker);
    }
}
