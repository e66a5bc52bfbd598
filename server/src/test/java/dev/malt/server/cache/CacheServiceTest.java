package dev.malt.server.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The master's store and coalescing, driven by hand: one thread, a clock moved by the test, the embedded store.
 */
class CacheServiceTest {

    static final String PRODUCTS = "/products/1\nhttp://shop";

    final ManualCacheClock clock = new ManualCacheClock();
    final RecordingPeer worker1 = new RecordingPeer();
    final RecordingPeer worker2 = new RecordingPeer();

    CacheService service(long lockTimeoutMillis, int maxWaiters, long sizeBytes) {
        CacheSettings.Store settings = new CacheSettings.Store(sizeBytes, 64 * 1024, lockTimeoutMillis, maxWaiters,
                Optional.empty());
        return new CacheService(settings, new MemoryStore(sizeBytes, clock), clock, Runnable::run, () -> true);
    }

    CacheService service() {
        return service(5_000, 100, 1 << 20);
    }

    static void lookup(CacheService cache, RecordingPeer peer, int id, String resource, String... headers) {
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], headers[i + 1]);
        }
        cache.lookup(new CacheService.Lookup(peer, id, resource, map));
    }

    static ByteBuf response(String body, String... headers) {
        ByteBuf out = Unpooled.buffer();
        List<Map.Entry<String, String>> list = new java.util.ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        CachedResponse.writeResponse(out, 200, null, list, bytes, bytes.length);
        return out;
    }

    static void store(CacheService cache, RecordingPeer peer, int ticket, long ttl, String body, String... vary) {
        cache.store(peer, ticket, ttl, List.of(vary), response(body));
    }

    @Test
    void concurrentMissesAcrossWorkersRunTheAppOnceAndAllGetItsResponse() {
        CacheService cache = service();
        lookup(cache, worker1, 1, PRODUCTS);
        lookup(cache, worker2, 1, PRODUCTS);
        lookup(cache, worker1, 2, PRODUCTS);
        assertEquals(List.of("lead 1"), worker1.take());
        assertEquals(List.of(), worker2.take(), "waits for the leader");
        assertEquals(2, cache.waiting());
        store(cache, worker1, 1, 10_000, "generation 1");
        assertEquals(List.of("hit 2"), worker1.take());
        assertEquals(List.of("hit 1"), worker2.take());
        assertEquals("generation 1", worker2.body(1));
        lookup(cache, worker2, 2, PRODUCTS);
        assertEquals(List.of("hit 2"), worker2.take());
        CacheStats stats = cache.stats("memory").join();
        assertEquals(3, stats.hits());
        assertEquals(1, stats.misses());
        assertEquals(2, stats.coalesced());
        assertEquals(1, stats.stores());
        assertEquals(1, stats.items());
        assertEquals(0, cache.waiting());
        assertEquals(0, cache.filling());
    }

    @Test
    void anEntryIsFreshForItsTtlThenTheNextRequestRegeneratesIt() {
        CacheService cache = service();
        lookup(cache, worker1, 1, PRODUCTS);
        store(cache, worker1, 1, 10_000, "one");
        byte[] stored = null;
        clock.advance(9_999);
        lookup(cache, worker1, 2, PRODUCTS);
        assertEquals(List.of("lead 1", "hit 2"), worker1.take());
        stored = worker1.hits.get(2);
        CachedResponse entry = CachedResponse.decode(stored);
        assertEquals(9, entry.ageSeconds(clock.millis()));
        clock.advance(1);
        lookup(cache, worker1, 3, PRODUCTS);
        assertEquals(List.of("lead 3"), worker1.take(), "expired exactly at its TTL");
        assertEquals(0, cache.stats("memory").join().items());
    }

    @Test
    void waitersGoToTheAppUncachedWhenTheirWaitEnds() {
        CacheService cache = service();
        lookup(cache, worker1, 1, PRODUCTS);
        clock.advance(1_000);
        lookup(cache, worker2, 1, PRODUCTS);
        clock.advance(3_999);
        cache.tick();
        assertEquals(List.of(), worker2.take());
        clock.advance(1);
        cache.tick();
        // the leader's own hold ended at 5 s too; the waiter's at 6 s
        assertEquals(List.of("lead 1"), worker2.take(), "the leader held the key too long: the waiter leads");
        lookup(cache, worker1, 2, PRODUCTS);
        clock.advance(5_000);
        cache.tick();
        assertEquals(List.of("lead 1", "pass 2"), worker1.take(), "waited its 5 s for worker2's lead: goes uncached");
        assertEquals(0, cache.filling());
    }

    @Test
    void aWaiterPassesAtItsDeadline() {
        CacheService cache = service(5_000, 100, 1 << 20);
        lookup(cache, worker1, 1, PRODUCTS);
        clock.advance(4_000);
        lookup(cache, worker2, 1, PRODUCTS);
        clock.advance(1_000);
        cache.tick(); // the leader's hold ends: worker2 leads
        assertEquals(List.of("lead 1"), worker2.take());
        lookup(cache, worker2, 2, PRODUCTS);
        clock.advance(4_999);
        cache.tick();
        assertEquals(List.of(), worker2.take());
        clock.advance(1);
        cache.tick();
        // worker2's lead (from 5 s) and the waiter (from 5 s) both end at 10 s: the waiter is told first
        assertEquals(List.of("pass 2"), worker2.take());
        assertEquals(1, cache.stats("memory").join().passes());
    }

    @Test
    void aLateStoreOfASupersededLeaderStillServesTheWaiters() {
        CacheService cache = service();
        lookup(cache, worker1, 1, PRODUCTS);
        clock.advance(1);
        lookup(cache, worker2, 1, PRODUCTS);
        clock.advance(4_999);
        cache.tick();
        assertEquals(List.of("lead 1"), worker2.take(), "promoted after the first leader's 5 s");
        lookup(cache, worker2, 2, PRODUCTS);
        store(cache, worker1, 1, 10_000, "late but good");
        assertEquals(List.of("hit 2"), worker2.take());
        assertEquals(1, cache.filling(), "worker2 still leads: its store is welcome too");
        store(cache, worker2, 1, 10_000, "newer");
        assertEquals(0, cache.filling());
    }

    @Test
    void aResponseThatMayNotBeStoredSendsEveryWaiterToTheAppAtOnceAndTheKeyIsFilledWithoutWaitingForAWhile() {
        CacheService cache = service();
        lookup(cache, worker1, 1, PRODUCTS);
        lookup(cache, worker2, 1, PRODUCTS);
        lookup(cache, worker2, 2, PRODUCTS);
        cache.abandon(worker1, 1, CacheProtocol.UNCACHEABLE);
        assertEquals(List.of("pass 1", "pass 2"), worker2.take());
        lookup(cache, worker1, 2, PRODUCTS);
        lookup(cache, worker2, 3, PRODUCTS);
        assertEquals(List.of("lead 1", "lead 2"), worker1.take());
        assertEquals(List.of("lead 3"), worker2.take(), "nobody waits for a response that was not storable");
        cache.abandon(worker1, 2, CacheProtocol.UNCACHEABLE);
        store(cache, worker2, 3, 10_000, "storable after all");
        lookup(cache, worker1, 3, PRODUCTS);
        assertEquals(List.of("hit 3"), worker1.take());
        clock.advance(CacheService.UNCACHEABLE_MEMORY_MILLIS);
        cache.tick();
        lookup(cache, worker1, 4, "/other\nhttp://shop");
        cache.abandon(worker1, 4, CacheProtocol.UNCACHEABLE);
        clock.advance(CacheService.UNCACHEABLE_MEMORY_MILLIS);
        cache.tick();
        lookup(cache, worker1, 5, "/other\nhttp://shop");
        lookup(cache, worker2, 4, "/other\nhttp://shop");
        assertEquals(List.of("lead 4", "lead 5"), worker1.take());
        assertEquals(List.of(), worker2.take(), "remembered for a while only: waiting again");
    }

    @Test
    void aFailedLeaderHandsTheKeyToTheFirstWaiter() {
        CacheService cache = service();
        lookup(cache, worker1, 1, PRODUCTS);
        lookup(cache, worker2, 1, PRODUCTS);
        lookup(cache, worker2, 2, PRODUCTS);
        cache.abandon(worker1, 1, CacheProtocol.FAILED);
        assertEquals(List.of("lead 1"), worker2.take());
        store(cache, worker2, 1, 10_000, "second try");
        assertEquals(List.of("hit 2"), worker2.take());
        assertEquals("second try", worker2.body(2));
    }

    @Test
    void aDeadWorkersLeadsGoToAnotherWorkersWaiterAndItsOwnWaitersLeave() {
        CacheService cache = service();
        lookup(cache, worker1, 1, PRODUCTS);
        lookup(cache, worker1, 2, PRODUCTS);
        lookup(cache, worker2, 1, PRODUCTS);
        assertEquals(List.of("lead 1"), worker1.take());
        cache.disconnected(worker1); // kill -9: its connection closed, maybe in the middle of a STORE frame
        assertEquals(List.of(), worker1.take());
        assertEquals(List.of("lead 1"), worker2.take());
        assertEquals(0, cache.stats("memory").join().items(), "nothing half-written");
        store(cache, worker1, 1, 10_000, "from a dead worker"); // a stale ticket is ignored
        assertEquals(0, cache.stats("memory").join().items());
        store(cache, worker2, 1, 10_000, "regenerated");
        lookup(cache, worker2, 2, PRODUCTS);
        assertEquals("regenerated", worker2.body(2));
    }

    @Test
    void varyKeepsVariantsApartAndEachVariantIsFilledOnce() {
        CacheService cache = service();
        lookup(cache, worker1, 1, PRODUCTS, "accept-language", "fr");
        lookup(cache, worker2, 1, PRODUCTS, "accept-language", "en");
        lookup(cache, worker2, 2, PRODUCTS, "accept-language", "fr");
        cache.store(worker1, 1, 10_000, List.of("accept-language"), response("bonjour", "Vary", "Accept-Language"));
        assertEquals(List.of("lead 1", "hit 2"), worker2.take(), "en leads its own variant, fr gets bonjour");
        assertEquals("bonjour", worker2.body(2));
        lookup(cache, worker1, 2, PRODUCTS, "accept-language", "en");
        assertEquals(List.of("lead 1"), worker1.take(), "waits for the en leader");
        cache.store(worker2, 1, 10_000, List.of("accept-language"), response("hello", "Vary", "Accept-Language"));
        assertEquals(List.of("hit 2"), worker1.take());
        assertEquals("hello", worker1.body(2));
        lookup(cache, worker1, 3, PRODUCTS);
        assertEquals(List.of("lead 3"), worker1.take(), "no Accept-Language is a variant of its own");
        assertEquals(2, cache.stats("memory").join().items());
    }

    @Test
    void waitersAreCappedAndAZeroLockTimeoutMeansNoWaiting() {
        CacheService cache = service(5_000, 1, 1 << 20);
        lookup(cache, worker1, 1, PRODUCTS);
        lookup(cache, worker1, 2, PRODUCTS);
        lookup(cache, worker1, 3, PRODUCTS);
        assertEquals(List.of("lead 1", "pass 3"), worker1.take());
        CacheService noWait = service(0, 100, 1 << 20);
        lookup(noWait, worker2, 1, PRODUCTS);
        lookup(noWait, worker2, 2, PRODUCTS);
        assertEquals(List.of("lead 1", "pass 2"), worker2.take());
    }

    @Test
    void theStoreKeepsToItsSizeByEvictingAndNeverKeepsOversizedEntries() {
        CacheService cache = service(5_000, 100, 64 * 1024);
        String body = "x".repeat(10_000);
        for (int i = 0; i < 20; i++) {
            lookup(cache, worker1, i, "/p/" + i + "\nhttp://shop");
            store(cache, worker1, i, 60_000, body);
        }
        CacheStats stats = cache.stats("memory").join();
        assertTrue(stats.bytes() <= 64 * 1024, stats.toString());
        assertTrue(stats.evictions() >= 13, stats.toString());
        assertEquals(20 - stats.evictions(), stats.items());
        lookup(cache, worker1, 100, "/big\nhttp://shop");
        store(cache, worker1, 100, 60_000, "y".repeat(64 * 1024));
        lookup(cache, worker1, 101, "/big\nhttp://shop");
        assertTrue(worker1.take().contains("lead 101"), "larger than cache-max-item-size: not kept");
    }

    @Test
    void purgeRemovesAUriPrefixOrEverything() {
        CacheService cache = service();
        int id = 0;
        for (String uri : List.of("/products/1", "/products/2?x", "/about", "/products")) {
            lookup(cache, worker1, ++id, uri + "\nhttp://shop");
            store(cache, worker1, id, 60_000, uri);
        }
        assertEquals(2, cache.purge("/products/").join());
        worker1.take();
        lookup(cache, worker1, 10, "/products/1\nhttp://shop");
        lookup(cache, worker1, 11, "/products\nhttp://shop");
        assertEquals(List.of("lead 10", "hit 11"), worker1.take());
        cache.abandon(worker1, 10, CacheProtocol.FAILED);
        assertEquals(2, cache.purge("").join());
        assertEquals(0, cache.stats("memory").join().items());
    }
}
