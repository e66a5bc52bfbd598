package dev.malt.server.metrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHistogramTest {

    private static LatencyHistogram with(int bucket, long count) {
        long[] counts = new long[LatencyHistogram.BOUNDS_SECONDS.length + 1];
        counts[bucket] = count;
        return new LatencyHistogram(LatencyHistogram.empty().bounds(), counts);
    }

    @Test
    void quantilesInterpolateInsideTheirBucketAsPrometheusDoes() {
        // 100 requests between 1 and 2.5 ms (bucket 4): the median is half way, the 99th almost at the top
        LatencyHistogram h = with(4, 100);
        assertEquals(0.00175, h.quantile(0.5), 1e-9);
        assertEquals(0.001 + 0.0015 * 0.99, h.quantile(0.99), 1e-9);
        // 90 fast ones and 10 slow ones: the 99th percentile is among the slow
        LatencyHistogram mixed = with(0, 90).plus(with(12, 10)); // under 100 us; 0.5 to 1 s
        assertEquals(0.5 + 0.5 * 0.9, mixed.quantile(0.99), 1e-9);
        assertEquals(0.0001 * 50 / 90, mixed.quantile(0.5), 1e-9);
    }

    @Test
    void withoutRequestsThereIsNoQuantile() {
        assertTrue(Double.isNaN(LatencyHistogram.empty().quantile(0.99)));
    }

    @Test
    void requestsOverTheLastBoundShowAsThatBound() {
        LatencyHistogram slow = with(LatencyHistogram.BOUNDS_SECONDS.length, 5);
        assertEquals(60, slow.quantile(0.99));
    }

    @Test
    void twoReadingsOfAWorkerGiveTheRequestsInBetween() {
        LatencyHistogram before = with(2, 10).plus(with(5, 1));
        LatencyHistogram after = with(2, 15).plus(with(5, 4));
        LatencyHistogram between = after.minus(before);
        assertEquals(8, between.count());
        assertEquals(5, between.counts()[2]);
        assertEquals(3, between.counts()[5]);
        // a restarted worker's counters went down: its new reading is what it served
        assertSame(before, before.minus(after));
    }

    @Test
    void histogramsWithOtherBucketsDoNotAdd() {
        LatencyHistogram other = new LatencyHistogram(new double[] {1, Double.POSITIVE_INFINITY}, new long[] {1, 0});
        assertThrows(IllegalArgumentException.class, () -> LatencyHistogram.empty().plus(other));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(new double[] {1, 2}, new long[] {0, 0}));
    }

    @Test
    void theBoundsBecomeMicrometersServiceLevelObjectives() {
        Duration[] slos = LatencyHistogram.serviceLevelObjectives();
        assertEquals(LatencyHistogram.BOUNDS_SECONDS.length, slos.length);
        assertEquals(Duration.ofNanos(100_000), slos[0]);
        assertEquals(Duration.ofMinutes(1), slos[slos.length - 1]);
    }
}
