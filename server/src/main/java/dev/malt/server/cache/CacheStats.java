package dev.malt.server.cache;

/**
 * The cache's counters for the stats server ({@code "cache"} in the stats JSON). Every request that asked the
 * cache counts once, as a hit, a miss or a pass.
 *
 * @param backend   {@code memory} or the Redis URL (without a password)
 * @param hits      requests served from the cache (after waiting, too)
 * @param misses    requests that ran the app to fill an entry (leaders)
 * @param passes    requests sent to the app uncached: their wait ended, too many waited, the entry being filled
 *                  turned out not storable, or the store failed
 * @param stores    entries stored
 * @param coalesced requests that waited for another one to fill their entry
 * @param evictions entries dropped to make room (memory; -1 for Redis)
 * @param items     entries held now (memory: this app's; Redis: the whole database's keys)
 * @param bytes     bytes held now, keys included (memory; -1 for Redis)
 * @param errors    store operations that failed (Redis unreachable, timeouts)
 */
public record CacheStats(String backend, long hits, long misses, long passes, long stores, long coalesced,
                         long evictions, long items, long bytes, long errors) {
}
