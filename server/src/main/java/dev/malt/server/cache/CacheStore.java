package dev.malt.server.cache;

import java.util.concurrent.CompletableFuture;

/**
 * Where the master keeps entries: the embedded {@link MemoryStore} or a {@link RedisStore} shared by hosts. Keys
 * are {@link CacheKeys} strings; values carry their own expiry (see {@link CachedResponse}), which the store also
 * uses to drop them. Futures may complete on any thread.
 */
interface CacheStore extends AutoCloseable {

    /** The value, or null when there is none (or it expired). */
    CompletableFuture<byte[]> get(String key);

    /** Stores {@code value} for {@code ttlMillis}, replacing what was there. */
    CompletableFuture<Void> put(String key, byte[] value, long ttlMillis);

    /** Removes every entry of a URI under {@code uriPrefix} ("" for all); returns how many keys went. */
    CompletableFuture<Long> purge(String uriPrefix);

    /**
     * Whether masters on other hosts share this store: then a miss also takes a lock in the store, so one host
     * fills an entry for all, and requests waiting on another host's lock poll it.
     */
    boolean shared();

    /** Takes {@code lockKey} with {@code token} for {@code ttlMillis} unless someone holds it; true if taken. */
    default CompletableFuture<Boolean> tryLock(String lockKey, String token, long ttlMillis) {
        return CompletableFuture.completedFuture(true);
    }

    /** Releases {@code lockKey} if {@code token} still holds it. */
    default void unlock(String lockKey, String token) {
    }

    /** Counters for stats; values the store cannot know are -1. */
    CompletableFuture<Usage> usage();

    /**
     * @param items     entries (vary specs not counted)
     * @param bytes     bytes held (keys and values), -1 when unknown
     * @param evictions entries dropped to make room, -1 when unknown
     */
    record Usage(long items, long bytes, long evictions) {
    }

    @Override
    void close();
}
