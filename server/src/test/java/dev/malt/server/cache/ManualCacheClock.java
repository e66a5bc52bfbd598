package dev.malt.server.cache;

/** A clock tests move by hand: wall and monotonic time advance together. */
final class ManualCacheClock implements CacheClock {

    private long millis = 1_700_000_000_000L;

    @Override
    public synchronized long millis() {
        return millis;
    }

    @Override
    public synchronized long nanos() {
        return (millis - 1_700_000_000_000L) * 1_000_000L;
    }

    synchronized void advance(long ms) {
        millis += ms;
    }
}
