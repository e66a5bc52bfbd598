package dev.malt.server.cache;

/** Time for the cache; tests move it by hand instead of sleeping. */
interface CacheClock {

    /** Wall-clock time, epoch milliseconds: entries' stamps and expiry, comparable across hosts. */
    long millis();

    /** Monotonic time in nanoseconds: deadlines of waiting requests and locks. */
    long nanos();

    CacheClock SYSTEM = new CacheClock() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }
    };
}
