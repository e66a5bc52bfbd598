package dev.malt.server.cache;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether the embedded caches of one JVM fit in its heap. The master's JVM starts small and its heap grows with what
 * it keeps, up to the JVM's limit ({@code -Xmx}, by default a quarter of RAM); a master's memory cache may fill up to
 * {@code cache-size}, and an emperor holds the caches of all its apps. Started before any INI file is read, the JVM
 * cannot size itself for them, so the master says when they do not fit, and how to fix it.
 *
 * <p>Instances are not thread-safe; {@link MasterCache} keeps the one for its JVM under a lock.
 */
final class HeapBudget {

    /** What the master needs besides its caches: its own objects, buffers in flight, room for the collector. */
    static final long BASELINE_BYTES = 48L << 20;

    private final long maxHeapBytes;
    /** Each memory cache (its owner, as an app restarting may briefly have two) and its size. */
    private final Map<Object, Cache> caches = new IdentityHashMap<>();

    private record Cache(String app, long sizeBytes) {
    }

    HeapBudget(long maxHeapBytes) {
        this.maxHeapBytes = maxHeapBytes;
    }

    /**
     * Records the memory cache of {@code owner} (replacing what it had) and tells, if the caches no longer fit, what
     * the operator should do.
     */
    Optional<String> reserve(Object owner, String app, long cacheSizeBytes) {
        caches.put(owner, new Cache(app, cacheSizeBytes));
        long total = caches.values().stream().mapToLong(Cache::sizeBytes).sum();
        if (maxHeapBytes == Long.MAX_VALUE || total + BASELINE_BYTES <= maxHeapBytes) {
            return Optional.empty();
        }
        long needed = total + BASELINE_BYTES;
        String whose = caches.size() == 1 ? "cache-size of " + app + " is " + mib(total)
                : "cache-size of the apps in this JVM adds up to " + mib(total) + " (" + list() + ")";
        return Optional.of("the response cache may not fit in memory: " + whose + ", and the master needs about "
                + mib(BASELINE_BYTES) + " besides, but its heap may grow only to " + mib(maxHeapBytes)
                + "; give the JVM more with MALT_JAVA_OPTS=-Xmx" + roundUpMib(needed) + "m (for the malt services: in "
                + "/etc/default/malt), or lower cache-size");
    }

    /** Forgets the cache of {@code owner} (it stopped, or moved to Redis). */
    void release(Object owner) {
        caches.remove(owner);
    }

    private String list() {
        return caches.values().stream().sorted(java.util.Comparator.comparing(Cache::app))
                .map(cache -> cache.app() + " " + mib(cache.sizeBytes())).collect(Collectors.joining(", "));
    }

    private static String mib(long bytes) {
        return roundUpMib(bytes) + " MiB";
    }

    private static long roundUpMib(long bytes) {
        return (bytes + (1L << 20) - 1) >> 20;
    }
}
