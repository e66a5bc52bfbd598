package dev.malt.server.cache;

import dev.malt.server.testing.Eventually;

import dev.malt.server.servlet.GatewayExchange;
import dev.malt.server.worker.ExchangeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker's cache in front of an app, talking to a real master cache on a unix socket. */
class CacheSocketTest {

    @TempDir
    Path dir;

    final List<AutoCloseable> open = new ArrayList<>();
    final AtomicInteger runs = new AtomicInteger();
    final List<String> seen = new CopyOnWriteArrayList<>();

    /** The app: counts its runs, records the method and conditionals it saw, answers a cacheable page. */
    final ExchangeHandler app = exchange -> {
        int run = runs.incrementAndGet();
        seen.add(exchange.vars().get("REQUEST_METHOD") + " " + exchange.vars().get("HTTP_IF_NONE_MATCH"));
        exchange.detach();
        byte[] body = ("run " + run).getBytes(StandardCharsets.UTF_8);
        exchange.response().writeHead(200, null, List.of(Map.entry("Content-Type", "text/plain"),
                Map.entry("ETag", "\"v1\""), Map.entry("Date", "Tue, 01 Jul 2025 10:00:00 GMT")), body.length);
        exchange.response().write(body, 0, body.length);
        exchange.response().finish();
    };

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    CacheSettings settings() {
        return new CacheSettings(List.of(CacheRoute.parse("^/ 60")), false, Set.of(200),
                new CacheSettings.Store(1 << 20, 64 * 1024, 5_000, 100, Optional.empty()));
    }

    MasterCache master() throws IOException {
        MasterCache master = MasterCache.start("test", settings().store(), dir.resolve(MasterCache.SOCKET_NAME));
        open.add(master);
        return master;
    }

    ExchangeHandler worker() {
        WorkerCache cache = WorkerCache.of(settings(), Set.of(), dir.resolve(MasterCache.SOCKET_NAME));
        open.add(cache);
        return cache.wrap(app);
    }

    static FakeExchange run(ExchangeHandler handler, FakeExchange exchange) throws Exception {
        handler.handle(exchange);
        return exchange.ended.get(10, TimeUnit.SECONDS);
    }

    @Test
    void hitsKeepTheAppsHeadersAddAgeAndServeHeadAndConditionalsWithoutTheApp() throws Exception {
        MasterCache master = master();
        ExchangeHandler worker = worker();
        FakeExchange first = run(worker, FakeExchange.request("GET", "/page"));
        assertEquals("run 1", first.text());
        assertNull(first.header("Age"), "a response made now is not aged");
        FakeExchange hit = run(worker, FakeExchange.request("GET", "/page"));
        assertEquals(200, hit.status);
        assertEquals("run 1", hit.text());
        assertEquals("\"v1\"", hit.header("ETag"));
        assertEquals("text/plain", hit.header("Content-Type"));
        assertEquals("Tue, 01 Jul 2025 10:00:00 GMT", hit.header("Date"));
        assertEquals("0", hit.header("Age"));
        FakeExchange head = run(worker, FakeExchange.request("HEAD", "/page"));
        assertEquals(200, head.status);
        assertEquals(5, head.contentLength);
        assertEquals("", head.text());
        FakeExchange conditional = run(worker, FakeExchange.request("GET", "/page", "HTTP_IF_NONE_MATCH", "W/\"v1\""));
        assertEquals(304, conditional.status);
        assertEquals("\"v1\"", conditional.header("ETag"));
        assertNull(conditional.header("Content-Type"));
        assertEquals(1, runs.get());
        CacheStats stats = master.stats().get(10, TimeUnit.SECONDS);
        assertEquals(3, stats.hits());
        assertEquals(1, stats.misses());
        assertEquals(1, stats.items());
    }

    @Test
    void theRequestThatFillsAnEntryRunsAsAPlainGet() throws Exception {
        master();
        ExchangeHandler worker = worker();
        FakeExchange head = run(worker, FakeExchange.request("HEAD", "/x", "HTTP_IF_NONE_MATCH", "\"v0\""));
        assertEquals(List.of("GET null"), seen, "a HEAD fills the GET entry; the client's conditional is hidden");
        assertEquals("", head.text(), "the HEAD client still gets no body");
        assertEquals("run 1", run(worker, FakeExchange.request("GET", "/x")).text());
    }

    @Test
    void aResponseFinishedLaterOnAnotherThreadIsStoredThen() throws Exception {
        master();
        CompletableFuture<GatewayExchange> parked = new CompletableFuture<>();
        WorkerCache cache = WorkerCache.of(settings(), Set.of(), dir.resolve(MasterCache.SOCKET_NAME));
        open.add(cache);
        ExchangeHandler async = cache.wrap(exchange -> {
            exchange.detach();
            parked.complete(exchange);
        });
        FakeExchange first = FakeExchange.request("GET", "/async");
        async.handle(first);
        assertFalse(first.ended.isDone());
        GatewayExchange later = parked.get(10, TimeUnit.SECONDS);
        Thread finisher = new Thread(() -> {
            try {
                later.response().writeHead(200, null, List.of(), 5);
                later.response().write("later".getBytes(StandardCharsets.UTF_8), 0, 5);
                later.response().finish();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        finisher.start();
        finisher.join();
        assertEquals("later", first.ended.get(10, TimeUnit.SECONDS).text());
        assertEquals("later", run(async, FakeExchange.request("GET", "/async")).text());
    }

    @Test
    void aWorkerKilledInTheMiddleOfAStoreFrameLeavesNothingAndTheNextRequestRegenerates() throws Exception {
        MasterCache master = master();
        try (SocketChannel dying = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            dying.connect(UnixDomainSocketAddress.of(dir.resolve(MasterCache.SOCKET_NAME)));
            byte[] resource = "/page\nhttp://shop.test".getBytes(StandardCharsets.UTF_8);
            ByteBuffer lookup = ByteBuffer.allocate(4 + 1 + 4 + 4 + resource.length + 4);
            lookup.putInt(1 + 4 + 4 + resource.length + 4).put(CacheProtocol.LOOKUP).putInt(7)
                    .putInt(resource.length).put(resource).putInt(0).flip();
            dying.write(lookup);
            ByteBuffer answer = ByteBuffer.allocate(9);
            while (answer.hasRemaining()) {
                dying.read(answer);
            }
            assertEquals(CacheProtocol.LEAD, answer.get(4));
            // a STORE frame announcing 100 kB, of which 1 kB arrives before the worker dies
            ByteBuffer half = ByteBuffer.allocate(4 + 1024);
            half.putInt(100_000).put(CacheProtocol.STORE).putInt(7).putLong(60_000).putInt(0);
            half.position(half.limit()).flip();
            dying.write(half);
        }
        ExchangeHandler worker = worker();
        FakeExchange next = run(worker, FakeExchange.request("GET", "/page"));
        assertEquals("run 1", next.text(), "regenerated by the next request, without waiting for the dead one");
        assertEquals("run 1", run(worker, FakeExchange.request("GET", "/page")).text());
        CacheStats stats = master.stats().get(10, TimeUnit.SECONDS);
        assertEquals(1, stats.stores());
        assertEquals(1, stats.items());
    }

    @Test
    void requestsWaitingForAResponseThatMayNotBeStoredGoOnAsSoonAsItsHeadSaysSo() throws Exception {
        master();
        CompletableFuture<Void> release = new CompletableFuture<>();
        WorkerCache cache = WorkerCache.of(settings(), Set.of(), dir.resolve(MasterCache.SOCKET_NAME));
        open.add(cache);
        ExchangeHandler cookies = cache.wrap(exchange -> {
            int run = runs.incrementAndGet();
            exchange.detach();
            exchange.response().writeHead(200, null, List.of(Map.entry("Set-Cookie", "visitor=" + run)), -1);
            if (run == 1) {
                release.get(10, TimeUnit.SECONDS); // the first one takes its time after the head
            }
            exchange.response().finish();
        });
        FakeExchange first = FakeExchange.request("GET", "/cookie");
        Thread slow = new Thread(() -> {
            try {
                cookies.handle(first);
            } catch (Exception e) {
                first.abort(e);
            }
        });
        slow.start();
        Eventually.until("the first request runs", () -> runs.get() == 1);
        FakeExchange second = run(cookies, FakeExchange.request("GET", "/cookie"));
        assertEquals("visitor=2", second.header("Set-Cookie"), "ran the app itself, before the first ended");
        assertFalse(first.ended.isDone());
        release.complete(null);
        slow.join(10_000);
        assertEquals("visitor=1", first.ended.get(10, TimeUnit.SECONDS).header("Set-Cookie"));
    }

    @Test
    void withoutAReachableMasterRequestsGoToTheAppUncached() throws Exception {
        ExchangeHandler worker = worker(); // no master listens
        assertEquals("run 1", run(worker, FakeExchange.request("GET", "/page")).text());
        assertEquals("run 2", run(worker, FakeExchange.request("GET", "/page")).text());
    }

    @Test
    void concurrentFirstRequestsRunTheAppOnce() throws Exception {
        master();
        CompletableFuture<Void> release = new CompletableFuture<>();
        WorkerCache cache = WorkerCache.of(settings(), Set.of(), dir.resolve(MasterCache.SOCKET_NAME));
        open.add(cache);
        ExchangeHandler slow = cache.wrap(exchange -> {
            release.get(10, TimeUnit.SECONDS);
            app.handle(exchange);
        });
        List<Thread> threads = new ArrayList<>();
        List<FakeExchange> exchanges = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 8; i++) {
            FakeExchange exchange = FakeExchange.request("GET", "/slow");
            exchanges.add(exchange);
            Thread t = new Thread(() -> {
                try {
                    slow.handle(exchange);
                } catch (Exception e) {
                    exchange.abort(e);
                }
            });
            threads.add(t);
            t.start();
        }
        MasterCache master = (MasterCache) open.get(0);
        Eventually.until("7 requests waiting in the master", () -> master.stats().join().coalesced() == 7);
        release.complete(null);
        for (Thread t : threads) {
            t.join(10_000);
        }
        for (FakeExchange exchange : exchanges) {
            assertEquals("run 1", exchange.ended.get(10, TimeUnit.SECONDS).text());
        }
        assertEquals(1, runs.get());
        assertTrue(master.stats().join().hits() == 7);
    }
}
