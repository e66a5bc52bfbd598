package dev.malt.server.cache;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static dev.malt.server.cache.CacheServiceTest.PRODUCTS;
import static dev.malt.server.cache.CacheServiceTest.lookup;
import static dev.malt.server.cache.CacheServiceTest.store;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two masters ("hosts") over one shared store: a miss on one host takes the store's lock, and the other host's
 * requests wait for it, polling, so the app runs once for both. The store here is a map with Redis's lock semantics
 * (SET NX PX, delete only with the token); the end-to-end test runs the same against a real Redis.
 */
class SharedStoreCoalescingTest {

    final ManualCacheClock clock = new ManualCacheClock();
    final Shared redis = new Shared();
    final RecordingPeer hostA = new RecordingPeer();
    final RecordingPeer hostB = new RecordingPeer();
    final CacheService masterA = master();
    final CacheService masterB = master();

    CacheService master() {
        CacheSettings.Store settings = new CacheSettings.Store(1 << 20, 64 * 1024, 5_000, 100, Optional.of("redis://x"));
        return new CacheService(settings, new SharedMapStore(redis, clock), clock, Runnable::run, () -> true);
    }

    /** What Redis holds: values with their expiry, locks with their token and expiry. */
    static final class Shared {
        final Map<String, byte[]> values = new HashMap<>();
        final Map<String, String> lockTokens = new HashMap<>();
        final Map<String, Long> lockExpiry = new HashMap<>();
    }

    static final class SharedMapStore implements CacheStore {
        private final Shared shared;
        private final ManualCacheClock clock;

        SharedMapStore(Shared shared, ManualCacheClock clock) {
            this.shared = shared;
            this.clock = clock;
        }

        @Override
        public CompletableFuture<byte[]> get(String key) {
            byte[] value = shared.values.get(key);
            return CompletableFuture.completedFuture(value != null && CachedResponse.expiresAt(value) > clock.millis()
                    ? value : null);
        }

        @Override
        public CompletableFuture<Void> put(String key, byte[] value, long ttlMillis) {
            shared.values.put(key, value);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Long> purge(String uriPrefix) {
            return CompletableFuture.completedFuture(0L);
        }

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public CompletableFuture<Boolean> tryLock(String lockKey, String token, long ttlMillis) {
            Long expiry = shared.lockExpiry.get(lockKey);
            if (expiry != null && expiry > clock.millis()) {
                return CompletableFuture.completedFuture(false);
            }
            shared.lockTokens.put(lockKey, token);
            shared.lockExpiry.put(lockKey, clock.millis() + ttlMillis);
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public void unlock(String lockKey, String token) {
            if (token.equals(shared.lockTokens.get(lockKey))) {
                shared.lockTokens.remove(lockKey);
                shared.lockExpiry.remove(lockKey);
            }
        }

        @Override
        public CompletableFuture<Usage> usage() {
            return CompletableFuture.completedFuture(new Usage(shared.values.size(), -1, -1));
        }

        @Override
        public void close() {
        }
    }

    private void tickBoth(long ms) {
        clock.advance(ms);
        masterA.tick();
        masterB.tick();
    }

    @Test
    void aPageIsGeneratedOnceForBothHosts() {
        lookup(masterA, hostA, 1, PRODUCTS);
        lookup(masterB, hostB, 1, PRODUCTS);
        lookup(masterB, hostB, 2, PRODUCTS);
        assertEquals(List.of("lead 1"), hostA.take());
        assertEquals(List.of(), hostB.take(), "host B waits for host A's lock");
        tickBoth(CacheService.POLL_MILLIS);
        assertEquals(List.of(), hostB.take(), "still held");
        store(masterA, hostA, 1, 10_000, "made on A");
        tickBoth(CacheService.POLL_MILLIS);
        assertEquals(List.of("hit 1", "hit 2"), hostB.take());
        assertEquals("made on A", hostB.body(2));
        assertEquals(Map.of(), redis.lockTokens, "every lock released");
    }

    @Test
    void whenTheOtherHostsLeaderFailsAWaiterHereFillsTheEntry() {
        lookup(masterA, hostA, 1, PRODUCTS);
        lookup(masterB, hostB, 1, PRODUCTS);
        assertEquals(List.of("lead 1"), hostA.take());
        masterA.disconnected(hostA); // host A's worker died; A has no waiter of its own: its lock goes
        tickBoth(CacheService.POLL_MILLIS);
        assertEquals(List.of("lead 1"), hostB.take());
        store(masterB, hostB, 1, 10_000, "made on B");
        lookup(masterA, hostA, 2, PRODUCTS);
        assertEquals(List.of("hit 2"), hostA.take());
    }

    @Test
    void aLockWhoseHolderVanishedEndsWithItsTtl() {
        lookup(masterA, hostA, 1, PRODUCTS);
        lookup(masterB, hostB, 1, PRODUCTS);
        hostA.take();
        // host A is cut off: it never stores nor releases. B waits its lock-timeout, then goes uncached;
        tickBoth(4_950);
        assertEquals(List.of(), hostB.take());
        tickBoth(50);
        assertEquals(List.of("pass 1"), hostB.take());
        // and the next request after the lock's TTL fills the entry on B
        lookup(masterB, hostB, 2, PRODUCTS);
        assertEquals(List.of("lead 2"), hostB.take());
    }
}
