package dev.malt.server.metrics;

import java.time.Duration;
import java.util.Arrays;

/**
 * Request latencies counted in fixed buckets, as a Prometheus histogram has them. Unlike a percentile computed
 * inside one worker, fixed buckets add up: the master sums its workers' buckets, Prometheus sums them over hosts,
 * and the difference of two readings gives the latencies of the requests in between ({@code malt top}).
 *
 * <p>Immutable. {@code counts[i]} requests took at most {@code bounds[i]} seconds and more than
 * {@code bounds[i - 1]}; the last bound is {@code +Inf}.
 */
public record LatencyHistogram(double[] bounds, long[] counts) {

    /**
     * The upper bounds, in seconds, of the buckets of {@code malt_requests_seconds} (before +Inf): from 100 µs, a
     * static file or a cache hit, to a minute, well past any sane harakiri.
     */
    public static final double[] BOUNDS_SECONDS = {
            0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    public LatencyHistogram {
        if (bounds.length != counts.length || bounds.length == 0 || bounds[bounds.length - 1] != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("a histogram needs one count per bound, the last bound +Inf");
        }
        bounds = bounds.clone();
        counts = counts.clone();
    }

    /** The bounds above as durations, for Micrometer's service level objectives. */
    public static Duration[] serviceLevelObjectives() {
        return Arrays.stream(BOUNDS_SECONDS).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
    }

    /** No requests, with the standard bounds. */
    public static LatencyHistogram empty() {
        double[] bounds = Arrays.copyOf(BOUNDS_SECONDS, BOUNDS_SECONDS.length + 1);
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        return new LatencyHistogram(bounds, new long[bounds.length]);
    }

    /** Requests counted. */
    public long count() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** Both sets of requests; the bounds must be the same. */
    public LatencyHistogram plus(LatencyHistogram other) {
        requireSameBounds(other);
        long[] sum = counts.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.counts[i];
        }
        return new LatencyHistogram(bounds, sum);
    }

    /**
     * The requests counted here and not in {@code earlier}, a reading of the same worker before this one. A bucket
     * that went down (the worker restarted) counts as this reading whole.
     */
    public LatencyHistogram minus(LatencyHistogram earlier) {
        requireSameBounds(earlier);
        long[] delta = new long[counts.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = counts[i] - earlier.counts[i];
            if (delta[i] < 0) {
                return this;
            }
        }
        return new LatencyHistogram(bounds, delta);
    }

    /**
     * The latency under which a fraction {@code q} of the requests fell, in seconds, interpolated linearly inside
     * its bucket as Prometheus's {@code histogram_quantile} does; NaN without requests. A quantile that falls in
     * the +Inf bucket is reported as the highest finite bound.
     */
    public double quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("a quantile is between 0 and 1: " + q);
        }
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            long upTo = below + counts[i];
            if (upTo >= rank && counts[i] > 0) {
                if (bounds[i] == Double.POSITIVE_INFINITY) {
                    return i == 0 ? Double.NaN : bounds[i - 1];
                }
                double lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * (rank - below) / counts[i];
            }
            below = upTo;
        }
        return bounds[bounds.length - 2];
    }

    private void requireSameBounds(LatencyHistogram other) {
        if (!Arrays.equals(bounds, other.bounds)) {
            throw new IllegalArgumentException("histograms with different buckets do not add up");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyHistogram h && Arrays.equals(bounds, h.bounds) && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(bounds) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "LatencyHistogram" + Arrays.toString(counts);
    }
}
