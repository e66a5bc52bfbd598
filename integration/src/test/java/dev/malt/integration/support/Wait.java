package dev.malt.integration.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling with a bound, for readiness and for things that happen shortly after a request (log lines). */
public final class Wait {

    private Wait() {
    }

    /**
     * Polls {@code condition} every {@code interval} until it holds; fails after {@code timeout} with the
     * message from {@code describe} (evaluated only then).
     */
    public static void until(Duration timeout, Duration interval, BooleanSupplier condition, Supplier<String> describe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after " + timeout.toMillis() + " ms: " + describe.get());
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + describe.get());
            }
        }
    }

    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> describe) {
        until(timeout, Duration.ofMillis(100), condition, describe);
    }
}
