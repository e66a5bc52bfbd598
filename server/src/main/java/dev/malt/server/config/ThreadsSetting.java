package dev.malt.server.config;

/** The {@code threads} option: a fixed pool of request threads, or a virtual thread per request. */
public final class ThreadsSetting {

    private static final ThreadsSetting VIRTUAL = new ThreadsSetting(0);
    static final String VIRTUAL_WORD = "virtual";

    private final int count;

    private ThreadsSetting(int count) {
        this.count = count;
    }

    public static ThreadsSetting fixed(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + count);
        }
        return new ThreadsSetting(count);
    }

    /** {@code threads = virtual}. The JVM that runs the worker must have virtual threads (Java 21+). */
    public static ThreadsSetting virtualThreads() {
        return VIRTUAL;
    }

    static ThreadsSetting parse(String normalized) {
        return normalized.equals(VIRTUAL_WORD) ? VIRTUAL : fixed(Integer.parseInt(normalized));
    }

    public boolean isVirtual() {
        return count == 0;
    }

    /** Size of the fixed pool; 0 when {@link #isVirtual()}. */
    public int count() {
        return count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThreadsSetting other && other.count == count;
    }

    @Override
    public int hashCode() {
        return count;
    }

    @Override
    public String toString() {
        return isVirtual() ? VIRTUAL_WORD : Integer.toString(count);
    }
}
