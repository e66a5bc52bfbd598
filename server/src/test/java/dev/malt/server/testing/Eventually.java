package dev.malt.server.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a state that an event makes true, for the few things no callback reports (a child process
 * appearing, a file another process writes, a counter on another thread). The deadline is generous on
 * purpose: it bounds a broken test, it does not measure speed; the short pause between looks is no
 * synchronisation, only the condition is.
 */
public final class Eventually {

    /** How long a condition may take on a loaded 2-core machine before the test gives up. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after {@link #PATIENCE}. */
    public static void until(String what, BooleanSupplier condition) {
        value(what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /** The first non-null answer of {@code probe}; fails naming {@code what} after {@link #PATIENCE}. */
    public static <T> T value(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            T answer = probe.get();
            if (answer != null) {
                return answer;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("never happened within " + PATIENCE.toSeconds() + " s: " + what);
            }
            if (Thread.interrupted()) {
                throw new AssertionError("interrupted while waiting for: " + what);
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }
}
