package dev.malt.integration;

import dev.malt.integration.support.BehindNginx;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.Json;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Tools;
import dev.malt.integration.support.Wait;
import dev.malt.integration.support.Wrk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The response cache through a real nginx: the master owns the entries, every worker of the app shares them, and
 * CacheDemoServlet writes a line to a counter file each time the app really runs.
 */
@ExtendWith(Diagnostics.class)
class ResponseCacheTest {

    /** An app serving CacheDemoServlet, and the file where it counts its runs. */
    record Demo(MaltProcess.Builder app, Path counter) {
    }

    static Demo demo(String name) {
        MaltProcess.Builder app = MaltProcess.builder(name)
                .option("servlet", "dev.malt.samples.CacheDemoServlet")
                .option("classpath", Tools.samplesJar().toString());
        Path counter = app.path("runs.txt");
        return new Demo(app.option("init-param", "counter-file=" + counter), counter);
    }

    /** Runs of the app so far, for URIs starting with {@code uriPrefix}. */
    static long runs(Path counter, String uriPrefix) {
        try {
            if (!Files.exists(counter)) {
                return 0;
            }
            return Files.readAllLines(counter).stream().map(line -> line.split(" ", 3))
                    .filter(parts -> parts.length == 3 && parts[2].startsWith(uriPrefix)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpResponse get(Endpoint nginx, String target, String... headers) {
        RawHttp request = RawHttp.get(target);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse response = request.timeout(Duration.ofSeconds(30)).send(nginx);
        assertEquals(200, response.status(), response::toString);
        return response;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cacheStats(Endpoint stats) {
        try (Socket socket = new Socket(stats.host(), stats.port())) {
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(out);
            Map<String, Object> doc = Json.parseObject(out.toString(StandardCharsets.UTF_8));
            assertTrue(doc.containsKey("cache"), () -> "no cache in the stats: " + doc.keySet());
            return (Map<String, Object>) doc.get("cache");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long number(Map<String, Object> stats, String key) {
        return ((Number) stats.get(key)).longValue();
    }

    /**
     * The tutorial's claim: "even a cache timeout of 10 seconds can be very helpful... the page will be regenerated
     * only 6 times per minute, regardless of how many people request it". Four workers, a steady load on one URL
     * for 60 s: the app runs at most 7 times.
     */
    @Test
    void underSixtySecondsOfLoadAPageCachedForTenSecondsIsGeneratedAtMostSevenTimes() throws Exception {
        Demo demo = demo("seed");
        Path counter = demo.counter();
        try (BehindNginx site = BehindNginx.start(demo.app().option("workers", "4")
                .option("cache-route", "^/page/ 10"))) {
            site.malt().awaitFreshWorkers(4, List.of(), Duration.ofSeconds(90));
            Wrk.Result load;
            try (Wrk wrk = Wrk.start(site.endpoint(), "/page/front", 4, 60)) {
                load = wrk.await();
            }
            long runs = runs(counter, "/page/front");
            System.out.println("60 s of load on one URL cached for 10 s, 4 workers: " + load.requests() + " requests ("
                    + load.requestsPerSecond() + "/s), the app ran " + runs + " times");
            assertTrue(load.requests() > 1_000, load::text);
            assertEquals(0, load.non2xx(), load::text);
            assertEquals(0, load.socketErrors(), load::text);
            assertTrue(runs <= 7, () -> "the app ran " + runs + " times for " + load.requests() + " requests");
            assertTrue(runs >= 6, () -> "a 10 s TTL over 60 s must regenerate about 6 times, not " + runs);
            HttpResponse hit = get(site.endpoint(), "/page/front");
            assertNotNull(hit.header("Age"), hit::toString);
            assertTrue(Integer.parseInt(hit.header("Age")) < 10, hit::toString);
        }
    }

    @Test
    void cookiesPrivatePagesSessionsAndCredentialsNeverReachAnotherClient() {
        Demo demo = demo("private");
        Path counter = demo.counter();
        try (BehindNginx site = BehindNginx.start(demo.app().option("workers", "2")
                .option("cache-route", "^/ 60"))) {
            Endpoint nginx = site.endpoint();

            HttpResponse cookieA = get(nginx, "/cookie");
            HttpResponse cookieB = get(nginx, "/cookie");
            assertNotEquals(cookieA.header("X-Generation"), cookieB.header("X-Generation"));
            assertEquals("visitor=" + cookieB.header("X-Generation") + "; Path=/", cookieB.header("Set-Cookie"),
                    "B got its own cookie, not A's");

            HttpResponse privateA = get(nginx, "/private");
            HttpResponse privateB = get(nginx, "/private");
            assertNotEquals(privateA.header("X-Generation"), privateB.header("X-Generation"));
            assertEquals("private", privateB.header("Cache-Control"));

            HttpResponse sessionA = get(nginx, "/session");
            HttpResponse sessionB = get(nginx, "/session");
            assertTrue(sessionA.header("Set-Cookie").startsWith("JSESSIONID="), sessionA::toString);
            assertNotEquals(sessionA.header("Set-Cookie"), sessionB.header("Set-Cookie"));

            HttpResponse anonymous = get(nginx, "/whoami");
            HttpResponse loggedIn = get(nginx, "/whoami", "Cookie", "theme=dark; JSESSIONID=alice");
            assertNotEquals(anonymous.header("X-Generation"), loggedIn.header("X-Generation"),
                    "a request with a session cookie is not served from the cache");
            assertTrue(loggedIn.text().contains("JSESSIONID=alice"), loggedIn::text);
            HttpResponse withCredentials = get(nginx, "/whoami", "Authorization", "Basic YWxpY2U6c2VjcmV0");
            assertTrue(withCredentials.text().contains("authorization=Basic YWxpY2U6c2VjcmV0"), withCredentials::text);
            HttpResponse anonymousAgain = get(nginx, "/whoami", "Cookie", "theme=dark");
            assertEquals(anonymous.header("X-Generation"), anonymousAgain.header("X-Generation"),
                    "other cookies are no session: the anonymous page comes from the cache");
            assertEquals(anonymous.text(), anonymousAgain.text(), "and neither alice's session nor credentials");
            assertNotNull(anonymousAgain.header("Age"));
            assertEquals(3, runs(counter, "/whoami"), "whoami ran for the anonymous, alice and the credentials");
        }
    }

    @Test
    void varyAcceptLanguageKeepsTheVariantsApartAndHitsKeepTheirHeaders() {
        Demo demo = demo("vary");
        Path counter = demo.counter();
        try (BehindNginx site = BehindNginx.start(demo.app().option("workers", "2")
                .option("cache-route", "^/lang 60").option("cache-route", "^/page/ 60"))) {
            Endpoint nginx = site.endpoint();
            HttpResponse fr = get(nginx, "/lang", "Accept-Language", "fr-FR,fr;q=0.9");
            HttpResponse en = get(nginx, "/lang", "Accept-Language", "en");
            HttpResponse de = get(nginx, "/lang", "Accept-Language", "de");
            assertTrue(fr.text().startsWith("bonjour"), fr::text);
            assertTrue(en.text().startsWith("hello"), en::text);
            assertTrue(de.text().startsWith("hallo"), de::text);
            for (int i = 0; i < 3; i++) {
                HttpResponse frAgain = get(nginx, "/lang", "Accept-Language", "fr-FR,fr;q=0.9");
                HttpResponse enAgain = get(nginx, "/lang", "Accept-Language", "en");
                assertEquals(fr.text(), frAgain.text());
                assertEquals(en.text(), enAgain.text());
                assertEquals("Accept-Language", frAgain.header("Vary"));
                assertEquals("fr", frAgain.header("Content-Language"));
                assertNotNull(frAgain.header("Age"));
            }
            assertEquals(3, runs(counter, "/lang"));

            HttpResponse page = get(nginx, "/page/etag");
            HttpResponse head = RawHttp.request("HEAD", "/page/etag").send(nginx);
            assertEquals(200, head.status());
            assertEquals(page.header("X-Generation"), head.header("X-Generation"), "HEAD is served from the GET entry");
            assertEquals(page.header("ETag"), head.header("ETag"));
            HttpResponse notModified = RawHttp.get("/page/etag").header("If-None-Match", page.header("ETag"))
                    .send(nginx);
            assertEquals(304, notModified.status(), notModified::toString);
            assertEquals(page.header("ETag"), notModified.header("ETag"));
            assertEquals(1, runs(counter, "/page/etag"));
        }
    }

    @Test
    void concurrentFirstRequestsAcrossWorkersRunTheAppOnceThenPurgeAndStats() throws Exception {
        Demo demo = demo("coalesce");
        Path counter = demo.counter();
        Endpoint stats = Endpoint.freeTcp();
        // two threads per worker: eight requests at once cannot all fit in one worker, so they spread over all four
        try (BehindNginx site = BehindNginx.start(demo.app().option("workers", "4")
                .option("threads", "2").option("cache-route", "^/page/ 60").option("stats", stats.iniValue()))) {
            site.malt().awaitFreshWorkers(4, List.of(), Duration.ofSeconds(90));
            Endpoint nginx = site.endpoint();
            int clients = 8;
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse>> responses = new ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            for (int i = 0; i < clients; i++) {
                responses.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return get(nginx, "/page/slow?sleep=3000");
                }, pool));
            }
            start.countDown();
            Set<String> generations = new HashSet<>();
            for (CompletableFuture<HttpResponse> response : responses) {
                generations.add(response.get().header("X-Generation"));
            }
            pool.shutdown();
            assertEquals(1, generations.size(), () -> "one run for all: " + generations);
            assertEquals(1, runs(counter, "/page/slow"));
            Map<String, Object> afterBurst = cacheStats(stats);
            // a request that an app thread took only after the leader stored is a plain hit; the others waited in
            // the master, with at most two per worker: waiters on at least three workers besides the leader's
            assertTrue(number(afterBurst, "coalesced") >= clients / 2, afterBurst::toString);
            assertEquals(clients - 1, number(afterBurst, "hits"), afterBurst::toString);
            assertEquals(1, number(afterBurst, "misses"), afterBurst::toString);
            assertEquals(1, number(afterBurst, "stores"), afterBurst::toString);
            assertEquals(1, number(afterBurst, "items"), afterBurst::toString);
            assertTrue(number(afterBurst, "bytes") > 0, afterBurst::toString);
            assertEquals("memory", afterBurst.get("backend"));

            get(nginx, "/page/a");
            get(nginx, "/page/b");
            get(nginx, "/page/a");
            assertEquals(1, runs(counter, "/page/a"));
            MaltProcess.CliResult purged = MaltProcess.cli("cache", "purge", "coalesce", "/page/a");
            assertEquals(0, purged.exitCode(), purged::toString);
            assertEquals("purged 1 cached response of coalesce under /page/a", purged.stdout().strip());
            get(nginx, "/page/a");
            get(nginx, "/page/b");
            assertEquals(2, runs(counter, "/page/a"), "purged: regenerated");
            assertEquals(1, runs(counter, "/page/b"), "not under the prefix: still cached");
            MaltProcess.CliResult all = MaltProcess.cli("cache", "purge", "coalesce");
            assertEquals(0, all.exitCode(), all::toString);
            assertEquals("purged 3 cached responses of coalesce", all.stdout().strip());
            assertEquals(0, number(cacheStats(stats), "items"));
            MaltProcess.CliResult bad = MaltProcess.cli("cache", "purge", "coalesce", "page");
            assertEquals(2, bad.exitCode(), bad::toString);
            assertTrue(bad.stderr().contains("'page' is not a URI prefix"), bad::toString);
        }
    }

    /**
     * A worker killed with SIGKILL while it streams a cacheable response (so before its STORE could even start,
     * or in the middle of it) leaves the cache readable: other entries are still served, and the next request for
     * the killed one regenerates it instead of getting half of it.
     */
    @Test
    void aWorkerKilledInTheMiddleOfAStoreLeavesTheCacheReadable() throws Exception {
        Demo demo = demo("kill9");
        Path counter = demo.counter();
        String stream = "/stream?size=400000&pieces=40&delay=100";
        try (BehindNginx site = BehindNginx.start(demo.app().option("workers", "2")
                .option("cache-route", "^/ 60"))) {
            Endpoint nginx = site.endpoint();
            HttpResponse before = get(nginx, "/page/before");

            CompletableFuture<HttpResponse> dying = CompletableFuture.supplyAsync(() ->
                    RawHttp.get(stream).timeout(Duration.ofSeconds(30)).send(nginx));
            Wait.until(Duration.ofSeconds(30), () -> runs(counter, "/stream") == 1,
                    () -> "the stream never started");
            long pid = Long.parseLong(Files.readAllLines(counter).stream().filter(l -> l.contains("/stream"))
                    .findFirst().orElseThrow().split(" ")[0]);
            ProcessHandle worker = ProcessHandle.of(pid).orElseThrow();
            new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
            Wait.until(Duration.ofSeconds(10), () -> !worker.isAlive(), () -> "worker " + pid + " survived SIGKILL");
            HttpResponse cut = null;
            try {
                cut = dying.get();
            } catch (java.util.concurrent.ExecutionException e) {
                // nginx may close the connection without a whole response: that is the client's loss alone
            }
            if (cut != null) {
                assertTrue(cut.status() != 200 || cut.bodyLength() < 400_000, "the stream was cut: " + cut);
            }

            HttpResponse stillThere = get(nginx, "/page/before");
            assertEquals(before.header("X-Generation"), stillThere.header("X-Generation"), "other entries survive");
            HttpResponse regenerated = get(nginx, stream);
            assertEquals(400_000, regenerated.bodyLength());
            assertEquals(2, runs(counter, "/stream"), "the next request runs the app again");
            HttpResponse hit = get(nginx, stream);
            assertEquals(regenerated.header("X-Generation"), hit.header("X-Generation"));
            assertEquals(400_000, hit.bodyLength());
            assertEquals(2, runs(counter, "/stream"));
            assertNull(regenerated.header("Age"));
        }
    }
}
