package dev.malt.server.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The embedded store: a Caffeine cache in the master's heap, bounded by bytes ({@code cache-size}; each entry
 * weighs its key and value) and dropping each entry when its TTL ends. Workers never touch it, so a worker that
 * dies in the middle of anything leaves it intact; an entry is put only once its whole STORE frame arrived.
 */
final class MemoryStore implements CacheStore {

    /** What an entry costs beyond its key and value bytes: the map node, the array header, the expiry links. */
    static final int ENTRY_OVERHEAD = 96;

    private final Cache<String, byte[]> cache;
    private final CacheClock clock;
    private final LongAdder evictions = new LongAdder();

    MemoryStore(long maxBytes, CacheClock clock) {
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, byte[] value) -> weight(key, value))
                .expireAfter(new Expiry<String, byte[]>() {
                    @Override
                    public long expireAfterCreate(String key, byte[] value, long currentTime) {
                        return nanosLeft(value);
                    }

                    @Override
                    public long expireAfterUpdate(String key, byte[] value, long currentTime, long currentDuration) {
                        return nanosLeft(value);
                    }

                    @Override
                    public long expireAfterRead(String key, byte[] value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(clock::nanos)
                // Maintenance (eviction, expiry) on the caller's thread: no pool thread in the master, and tests
                // see its effects at once.
                .executor(Runnable::run)
                .removalListener((String key, byte[] value, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        evictions.increment();
                    }
                })
                .build();
    }

    static int weight(String key, byte[] value) {
        return (int) Math.min(Integer.MAX_VALUE, 2L * key.length() + value.length + ENTRY_OVERHEAD);
    }

    private long nanosLeft(byte[] value) {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, CachedResponse.expiresAt(value) - clock.millis()));
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        byte[] value = cache.getIfPresent(key);
        if (value != null && CachedResponse.expiresAt(value) <= clock.millis()) {
            cache.invalidate(key);
            value = null;
        }
        return CompletableFuture.completedFuture(value);
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value, long ttlMillis) {
        cache.put(key, value);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Long> purge(String uriPrefix) {
        long removed = 0;
        for (Iterator<String> keys = cache.asMap().keySet().iterator(); keys.hasNext(); ) {
            String key = keys.next();
            if (CacheKeys.underPrefix(key, uriPrefix)) {
                keys.remove();
                if (key.charAt(0) == CacheKeys.ENTRY) {
                    removed++;
                }
            }
        }
        return CompletableFuture.completedFuture(removed);
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public CompletableFuture<Usage> usage() {
        cache.cleanUp();
        long items = cache.asMap().keySet().stream().filter(k -> k.charAt(0) == CacheKeys.ENTRY).count();
        long bytes = cache.policy().eviction().map(e -> e.weightedSize().orElse(-1)).orElse(-1L);
        return CompletableFuture.completedFuture(new Usage(items, bytes, evictions.sum()));
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }

    @Override
    public String toString() {
        return "memory";
    }
}
