package dev.malt.server.master;

/** Monotonic milliseconds; injected so the arbiter's timing can be tested without waiting. */
@FunctionalInterface
public interface MasterClock {

    long millis();

    MasterClock SYSTEM = () -> System.nanoTime() / 1_000_000;
}
