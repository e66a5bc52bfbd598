package dev.malt.server.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker's meters, through the report its master reads. */
class WorkerMetersTest {

    private static final Labels WORKER = Labels.of("app", "shop", "worker", "2");

    private static WorkerMeters.Gauges gauges(int active, int busy, int queued, long exceptions) {
        return new WorkerMeters.Gauges() {
            @Override
            public int requestsActive() {
                return active;
            }

            @Override
            public int threadsBusy() {
                return busy;
            }

            @Override
            public int requestsQueued() {
                return queued;
            }

            @Override
            public long exceptions() {
                return exceptions;
            }
        };
    }

    static MetricSnapshot family(List<MetricSnapshot> families, String name) {
        return families.stream().filter(f -> f.getMetadata().getPrometheusName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + name + " in " + families.stream()
                        .map(f -> f.getMetadata().getPrometheusName()).toList()));
    }

    @Test
    void requestsByStatusClassWithTheirLatencyBucketsReachTheMasterLabelled() {
        try (WorkerMeters meters = new WorkerMeters(8)) {
            meters.bind(gauges(3, 2, 1, 7));
            meters.requestEnded(200, TimeUnit.MICROSECONDS.toNanos(700));
            meters.requestEnded(204, TimeUnit.MILLISECONDS.toNanos(30));
            meters.requestEnded(503, TimeUnit.MILLISECONDS.toNanos(2));
            meters.requestEnded(0, TimeUnit.MILLISECONDS.toNanos(1));
            meters.queued(TimeUnit.MICROSECONDS.toNanos(50));
            meters.received(300);
            meters.sent(1200);
            meters.saturated();

            String report = meters.report();
            assertFalse(report.contains("\n"), "one control line");
            List<MetricSnapshot> families = MetricsWire.decode(report, WORKER);

            HistogramSnapshot requests = (HistogramSnapshot) family(families, "malt_requests_seconds");
            HistogramSnapshot.HistogramDataPointSnapshot ok = requests.getDataPoints().stream()
                    .filter(p -> "2xx".equals(p.getLabels().get("status"))).findFirst().orElseThrow();
            assertEquals(2, ok.getCount());
            assertEquals("shop", ok.getLabels().get("app"));
            assertEquals("2", ok.getLabels().get("worker"));
            assertEquals(0.0307, ok.getSum(), 1e-9, "seconds");
            // 700 us falls in the 1 ms bucket (index 3), 30 ms in the 50 ms one (index 8)
            assertEquals(1, ok.getClassicBuckets().getCount(3));
            assertEquals(1, ok.getClassicBuckets().getCount(8));
            assertEquals(Double.POSITIVE_INFINITY, ok.getClassicBuckets().getUpperBound(
                    ok.getClassicBuckets().size() - 1));
            assertEquals(List.of("2xx", "5xx", "none"), requests.getDataPoints().stream()
                    .map(p -> p.getLabels().get("status")).sorted().toList(), "a status class appears with its first request");

            assertEquals(1, ((HistogramSnapshot) family(families, "malt_request_queue_seconds")).getDataPoints().get(0)
                    .getCount());
            assertEquals(300, counter(families, "malt_received_bytes"));
            assertEquals(1200, counter(families, "malt_sent_bytes"));
            assertEquals(1, counter(families, "malt_threads_saturated"));
            assertEquals(7, counter(families, "malt_exceptions"));
            assertEquals(3, gauge(families, "malt_requests_active"));
            assertEquals(2, gauge(families, "malt_threads_busy"));
            assertEquals(1, gauge(families, "malt_requests_queued"));
            assertEquals(8, gauge(families, "malt_threads_max"));

            // what the master's stats and malt top make of it: all statuses together
            LatencyHistogram latency = MetricsWire.histogram(report, AppMetrics.REQUESTS_FAMILY);
            assertNotNull(latency);
            assertEquals(4, latency.count());
        }
    }

    @Test
    void theJvmBindersAreThere() {
        try (WorkerMeters meters = new WorkerMeters(0)) {
            meters.bind(gauges(0, 0, 0, 0));
            List<MetricSnapshot> families = MetricsWire.decode(meters.report(), WORKER);
            for (String name : List.of("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes", "jvm_threads_live_threads",
                    "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds", "process_files_open_files")) {
                family(families, name);
            }
            assertTrue(family(families, "jvm") instanceof io.prometheus.metrics.model.snapshots.InfoSnapshot,
                    "jvm_info, the JVM's version");
            GaugeSnapshot heap = (GaugeSnapshot) family(families, "jvm_memory_used_bytes");
            assertTrue(heap.getDataPoints().stream().anyMatch(p -> "heap".equals(p.getLabels().get("area"))
                    && p.getValue() > 0));
            assertTrue(families.stream().noneMatch(f -> f.getMetadata().getPrometheusName().equals("malt_threads_max")),
                    "virtual threads have no maximum");
        }
    }

    @Test
    void valuesThatAreNotNumbersAndOddTextTravel() {
        GaugeSnapshot odd = GaugeSnapshot.builder().name("odd").help("a \"help\" with spaces = and %\nlines")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("id", "G1 Eden Space"))
                        .value(Double.NaN).build()).build();
        List<MetricSnapshot> back = MetricsWire.decode(MetricsWire.encode(List.of(odd)), Labels.EMPTY);
        GaugeSnapshot gauge = (GaugeSnapshot) back.get(0);
        assertEquals("a \"help\" with spaces = and %\nlines", gauge.getMetadata().getHelp());
        assertEquals("G1 Eden Space", gauge.getDataPoints().get(0).getLabels().get("id"));
        assertTrue(Double.isNaN(gauge.getDataPoints().get(0).getValue()));
    }

    private static double counter(List<MetricSnapshot> families, String name) {
        return ((CounterSnapshot) family(families, name)).getDataPoints().get(0).getValue();
    }

    private static double gauge(List<MetricSnapshot> families, String name) {
        return ((GaugeSnapshot) family(families, name)).getDataPoints().get(0).getValue();
    }
}
