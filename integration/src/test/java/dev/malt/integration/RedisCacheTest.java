package dev.malt.integration;

import dev.malt.integration.support.BehindNginx;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Redis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.malt.integration.ResponseCacheTest.cacheStats;
import static dev.malt.integration.ResponseCacheTest.demo;
import static dev.malt.integration.ResponseCacheTest.get;
import static dev.malt.integration.ResponseCacheTest.number;
import static dev.malt.integration.ResponseCacheTest.runs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cache-backend = redis://}: two masters of one app (as on two hosts), each behind its own nginx, share one
 * real Redis. A page made on one host is a hit on the other, concurrent first requests on both hosts run the app
 * once, entries carry their TTL in Redis, and {@code malt cache purge} reaches them all.
 */
@ExtendWith(Diagnostics.class)
class RedisCacheTest {

    @Test
    void twoHostsShareEntriesFillLocksAndPurges() throws Exception {
        try (Redis redis = Redis.start()) {
            ResponseCacheTest.Demo a = demo("host-a");
            ResponseCacheTest.Demo b = demo("host-b");
            Endpoint statsA = Endpoint.freeTcp();
            try (BehindNginx hostA = BehindNginx.start(shared(a, redis).option("stats", statsA.iniValue()));
                 BehindNginx hostB = BehindNginx.start(shared(b, redis))) {
                HttpResponse made = get(hostA.endpoint(), "/page/front");
                HttpResponse shared = get(hostB.endpoint(), "/page/front");
                assertEquals(made.header("X-Generation"), shared.header("X-Generation"), "made on A, served on B");
                assertNotNull(shared.header("Age"));
                assertEquals(1, runs(a.counter(), "/page/front"));
                assertEquals(0, runs(b.counter(), "/page/front"));

                String key = redis.command("KEYS", "malt:cache:shared:e/page/front*");
                assertTrue(key != null && key.startsWith("malt:cache:shared:e/page/front\n"), "keys: " + key);
                long ttl = Long.parseLong(redis.command("PTTL", key));
                assertTrue(ttl > 50_000 && ttl <= 60_000, "the entry's TTL in Redis: " + ttl);

                // concurrent first requests on both hosts: one run in all
                int perHost = 3;
                ExecutorService pool = Executors.newFixedThreadPool(2 * perHost);
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<HttpResponse>> responses = new ArrayList<>();
                for (int i = 0; i < 2 * perHost; i++) {
                    Endpoint nginx = (i % 2 == 0 ? hostA : hostB).endpoint();
                    responses.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return get(nginx, "/page/slow?sleep=2000");
                    }, pool));
                }
                start.countDown();
                Set<String> generations = new HashSet<>();
                for (CompletableFuture<HttpResponse> response : responses) {
                    generations.add(response.get().header("X-Generation"));
                }
                pool.shutdown();
                assertEquals(1, generations.size(), () -> "one run for both hosts: " + generations);
                assertEquals(1, runs(a.counter(), "/page/slow") + runs(b.counter(), "/page/slow"));

                Map<String, Object> stats = cacheStats(statsA);
                assertEquals(redis.url(0), stats.get("backend"));
                assertTrue(number(stats, "items") >= 2, stats::toString);
                assertTrue(number(stats, "hits") + number(stats, "misses") >= 1 + perHost, stats::toString);

                MaltProcess.CliResult purged = MaltProcess.cli("cache", "purge", "shared", "/page/front");
                assertEquals(0, purged.exitCode(), purged::toString);
                assertEquals("purged 1 cached response of shared under /page/front", purged.stdout().strip());
                HttpResponse regenerated = get(hostB.endpoint(), "/page/front");
                assertEquals(1, runs(b.counter(), "/page/front"), "purged for both hosts: B makes it anew");
                assertEquals(regenerated.header("X-Generation"),
                        get(hostA.endpoint(), "/page/front").header("X-Generation"));
                MaltProcess.CliResult all = MaltProcess.cli("cache", "purge", "shared");
                assertEquals(0, all.exitCode(), all::toString);
                assertEquals("", redis.command("KEYS", "malt:cache:shared:[ev]*"));
            }
        }
    }

    private static MaltProcess.Builder shared(ResponseCacheTest.Demo demo, Redis redis) {
        return demo.app().option("name", "shared").option("workers", "2").option("cache-route", "^/page/ 60")
                .option("cache-backend", redis.url(0));
    }

    /** Redis going away costs the cache, not the site: requests go to the app until it is back. */
    @Test
    void withRedisDownPagesAreServedUncached() {
        Redis redis = Redis.start();
        String url = redis.url(0);
        ResponseCacheTest.Demo demo = demo("redis-down");
        try (BehindNginx site = BehindNginx.start(demo.app().option("cache-route", "^/page/ 60")
                .option("cache-backend", url))) {
            get(site.endpoint(), "/page/x");
            get(site.endpoint(), "/page/x");
            assertEquals(1, runs(demo.counter(), "/page/x"));
            redis.close();
            long before = runs(demo.counter(), "/page/x");
            for (int i = 0; i < 3; i++) {
                get(site.endpoint(), "/page/x");
            }
            assertEquals(before + 3, runs(demo.counter(), "/page/x"), "uncached while Redis is down");
            site.malt().awaitOutput("requests go to the app uncached", Duration.ofSeconds(10));
        } finally {
            redis.close();
        }
    }
}
