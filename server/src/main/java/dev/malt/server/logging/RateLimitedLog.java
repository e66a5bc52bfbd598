package dev.malt.server.logging;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Log lines for one kind of event that a client can cause at will (a malformed packet, a stalled
 * connection): the first {@code burst} of each interval are written whole, the rest are only counted,
 * and the count is written once the interval is over. A flood then costs a few lines a minute, so it
 * can neither fill the disk nor bury the lines around it.
 *
 * <p>One instance per kind of event, usually a static field beside the class's logger. Thread-safe.
 */
public final class RateLimitedLog {

    /** Whole lines per interval, for each kind of event. */
    public static final int DEFAULT_BURST = 10;
    /** How often a count of the lines left out is written while events keep coming. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

    private static final List<RateLimitedLog> ALL = new CopyOnWriteArrayList<>();

    private final Logger logger;
    private final String kind;
    private final int burst;
    private final long intervalNanos;
    private final LongSupplier nanoClock;

    private long windowStart;
    private int logged;
    private long suppressed;

    /**
     * @param logger   where the lines go
     * @param kind     what the events are, for the count line ("malformed uwsgi requests")
     * @param burst    whole lines per interval (at least 1); {@link #DEFAULT_BURST}
     * @param interval length of an interval; {@link #DEFAULT_INTERVAL}
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public RateLimitedLog(Logger logger, String kind, int burst, Duration interval, LongSupplier nanoClock) {
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1: " + burst);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.logger = logger;
        this.kind = kind;
        this.burst = burst;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.windowStart = nanoClock.getAsLong();
        ALL.add(this);
    }

    /** With {@link #DEFAULT_BURST}, {@link #DEFAULT_INTERVAL} and the system clock. */
    public RateLimitedLog(Logger logger, String kind) {
        this(logger, kind, DEFAULT_BURST, DEFAULT_INTERVAL, System::nanoTime);
    }

    /** A WARN line, unless this interval's burst is used up. */
    public void warn(String format, Object... args) {
        if (logger.isWarnEnabled()) {
            int admitted = admit();
            if (admitted != SUPPRESS) {
                logger.warn(format, args);
                noticeIfLast(admitted);
            }
        }
    }

    /** An INFO line, unless this interval's burst is used up. */
    public void info(String format, Object... args) {
        if (logger.isInfoEnabled()) {
            int admitted = admit();
            if (admitted != SUPPRESS) {
                logger.info(format, args);
                noticeIfLast(admitted);
            }
        }
    }

    /** An ERROR line (a trailing Throwable argument is logged with its stack), unless the burst is used up. */
    public void error(String format, Object... args) {
        if (logger.isErrorEnabled()) {
            int admitted = admit();
            if (admitted != SUPPRESS) {
                logger.error(format, args);
                noticeIfLast(admitted);
            }
        }
    }

    /** Writes the count of the lines left out in an interval that has ended, if any. */
    public synchronized void reportDue() {
        if (nanoClock.getAsLong() - windowStart >= intervalNanos) {
            startWindow(nanoClock.getAsLong());
        }
    }

    /** {@link #reportDue()} for every instance: call it now and then (a worker does, with its heartbeat). */
    public static void reportAllDue() {
        for (RateLimitedLog log : ALL) {
            log.reportDue();
        }
    }

    /** Lines left out so far in the current interval; for tests and stats. */
    public synchronized long suppressed() {
        return suppressed;
    }

    private static final int SUPPRESS = 0;
    private static final int LOG = 1;
    private static final int LOG_LAST = 2;

    private synchronized int admit() {
        long now = nanoClock.getAsLong();
        if (now - windowStart >= intervalNanos) {
            startWindow(now);
        }
        if (logged < burst) {
            logged++;
            return logged == burst ? LOG_LAST : LOG;
        }
        suppressed++;
        return SUPPRESS;
    }

    private void noticeIfLast(int admitted) {
        if (admitted == LOG_LAST) {
            logger.warn("{}: {} lines within {} s; until the interval ends, further ones are only counted", kind,
                    burst, seconds(intervalNanos));
        }
    }

    private void startWindow(long now) {
        if (suppressed > 0) {
            logger.warn("{}: {} more in the last {} s were not logged", kind, suppressed, seconds(now - windowStart));
        }
        windowStart = now;
        logged = 0;
        suppressed = 0;
    }

    private static long seconds(long nanos) {
        return Math.max(1, Math.round(nanos / 1e9));
    }
}
