package dev.malt.server.master;

/** A clock that moves only when a test says so. Starts at 0, a legal value for a monotonic clock. */
final class ManualClock implements MasterClock {

    private long now;

    ManualClock() {
        this(0);
    }

    ManualClock(long origin) {
        this.now = origin;
    }

    @Override
    public long millis() {
        return now;
    }

    void advance(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("a monotonic clock does not go back");
        }
        now += millis;
    }
}
