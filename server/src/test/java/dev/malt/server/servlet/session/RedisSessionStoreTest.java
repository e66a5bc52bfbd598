package dev.malt.server.servlet.session;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.malt.server.servlet.SessionSettings;
import dev.malt.server.servlet.core.SessionData;
import dev.malt.server.servlet.core.SessionStore;
import dev.malt.server.servlet.core.SessionStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis store against a real redis-server: each store object has its own connection, as each worker
 * (on one machine or several) does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSessionStoreTest {

    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path scratch;

    private LocalRedis redis;
    private int database;
    private final Logger log = (Logger) LoggerFactory.getLogger("malt.app.redis-test");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<SessionStore> opened = new ArrayList<>();
    private final List<SessionStores> factories = new ArrayList<>();

    private Path redisDir;

    @BeforeAll
    void startRedis() throws Exception {
        redisDir = java.nio.file.Files.createTempDirectory("malt-redis-test-");
        redis = LocalRedis.start(redisDir);
    }

    @AfterAll
    void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
        try (var files = java.nio.file.Files.walk(redisDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @BeforeEach
    void freshDatabase() {
        database++; // each test its own database: nothing leaks between them
        logs.list.clear();
        logs.start();
        log.addAppender(logs);
    }

    @AfterEach
    void close() {
        log.detachAppender(logs);
        opened.forEach(SessionStore::close);
        factories.forEach(SessionStores::close);
    }

    private SessionStore worker() {
        return worker(redis.url(database));
    }

    private SessionStore worker(String url) {
        SessionStores stores = SessionStores.open("redis-test", new SessionSettings(url, 1000,
                SessionSettings.DEFAULT_MAX_BYTES, 60), scratch, log);
        factories.add(stores);
        SessionStore store = stores.open(new SessionStore.Context("redis-test", "/shop", getClass().getClassLoader(),
                Clock.systemUTC(), log, new SessionStore.Activation() {
                    @Override
                    public void willPassivate(SessionData session) {
                    }

                    @Override
                    public void didActivate(SessionData session) {
                    }
                }));
        opened.add(store);
        return store;
    }

    private static String id(int n) {
        return String.format("%032X", n);
    }

    private static SessionData saved(SessionStore store, String id, Object... nameValues) {
        SessionData data = new SessionData(id, NOW, 1800);
        for (int i = 0; i < nameValues.length; i += 2) {
            data.attributes().put((String) nameValues[i], nameValues[i + 1]);
        }
        store.add(data);
        store.save(data, NOW, true);
        return data;
    }

    private String key(String id) {
        return "malt:session:{redis-test:shop}:d:" + id;
    }

    private List<String> logged(Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void anotherWorkerReadsWhatOneWroteAndAnUnchangedSessionIsNotReadAgain() {
        saved(worker(), id(1), "user", "alice", "cart", new ArrayList<>(List.of("tea")));
        SessionStore other = worker();
        SessionData read = other.load(id(1));
        assertEquals("alice", read.attributes().get("user"));
        assertEquals(List.of("tea"), read.attributes().get("cart"));
        assertSame(read, other.load(id(1)), "same revision: the object read before");
    }

    @Test
    void theRecordExpiresInRedisALittleAfterTheSession() throws Exception {
        SessionStore store = worker();
        saved(store, id(1), "a", "1");
        long ttl = Long.parseLong(redis.command(database, "PTTL " + key(id(1))).substring(1));
        // 1800 s of idle time plus a margin of 180 s (3 sweeps of 60 s), counted from the save
        assertTrue(ttl > 1_800_000 && ttl <= 1_980_000, "PTTL " + ttl);
        assertEquals(":1", redis.command(database, "ZCARD malt:session:{redis-test:shop}:expiry"));
    }

    @Test
    void ofManyWorkersEndingOneSessionExactlyOneSucceeds() throws Exception {
        saved(worker(), id(9), "a", "1");
        int workers = 6;
        List<SessionStore> stores = new ArrayList<>();
        List<SessionData> copies = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            SessionStore store = worker();
            stores.add(store);
            copies.add(store.load(id(9)));
        }
        CyclicBarrier start = new CyclicBarrier(workers);
        ExecutorService threads = Executors.newFixedThreadPool(workers);
        AtomicInteger claimed = new AtomicInteger();
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                int n = i;
                all.add(threads.submit(() -> {
                    start.await();
                    if (n % 2 == 0) {
                        claimed.addAndGet(stores.get(n).claim(copies.get(n)) ? 1 : 0);
                    } else {
                        claimed.addAndGet(stores.get(n).claimExpired(NOW + 1800_001).size());
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, claimed.get());
        assertNull(worker().load(id(9)));
    }

    @Test
    void aSweepClaimsExpiredSessionsWithTheirAttributes() {
        SessionStore store = worker();
        saved(store, id(1), "a", "1");
        SessionData later = saved(store, id(2));
        store.accessed(later, NOW + 1000_000);
        List<SessionData> expired = worker().claimExpired(NOW + 1800_000);
        assertEquals(List.of(id(1)), expired.stream().map(SessionData::id).toList());
        assertEquals("1", expired.get(0).attributes().get("a"));
        assertEquals(NOW, expired.get(0).lastAccessedTime());
        assertNotNull(worker().load(id(2)));
    }

    @Test
    void anIdChangeMovesTheRecordAndItsExpiry() throws Exception {
        SessionStore store = worker();
        SessionData data = saved(store, id(1), "a", "1");
        assertTrue(store.changeId(data, id(2)));
        SessionStore other = worker();
        assertNull(other.load(id(1)));
        assertEquals("1", other.load(id(2)).attributes().get("a"));
        assertEquals(":1", redis.command(database, "ZCARD malt:session:{redis-test:shop}:expiry"));
        assertFalse(store.changeId(data, id(3)), "the old id is gone"); // the manager renames the object itself
    }

    @Test
    void aSaveDoesNotBringBackASessionAnotherWorkerEnded() {
        SessionStore first = worker();
        SessionData mine = saved(first, id(1), "a", "1");
        SessionStore second = worker();
        assertTrue(second.claim(second.load(id(1))));
        mine.attributes().put("a", "2");
        first.save(mine, NOW, true);
        assertNull(worker().load(id(1)));
    }

    @Test
    void aRedisThatIsDownAnswersAtOnceWithAClearErrorAndIsUsedAgainWhenBack() throws Exception {
        SessionStore store = worker();
        saved(store, id(1), "a", "1");
        redis.stop();
        try {
            SessionStoreException down = assertThrows(SessionStoreException.class, () -> store.load(id(1)));
            assertTrue(down.getMessage().contains("Redis at redis://127.0.0.1:"), down.getMessage());
            assertThrows(SessionStoreException.class, () -> store.load(id(1)));
            List<String> errors = logged(Level.ERROR);
            assertEquals(1, errors.size(), "logged once, not per request: " + errors);
            assertTrue(errors.get(0).contains("(session-store) is unavailable"), errors.get(0));
            assertTrue(errors.get(0).contains("503"), errors.get(0));
        } finally {
            redis.startAgain();
        }
        SessionData fresh = saved(awaitReconnect(store), id(2), "b", "2");
        assertEquals("2", worker().load(fresh.id()).attributes().get("b"));
        assertTrue(logged(Level.INFO).stream().anyMatch(m -> m.contains("answers again")), logs.list.toString());
    }

    /** Lettuce reconnects in the background; the store fails fast until it has. */
    private static SessionStore awaitReconnect(SessionStore store) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                store.load(id(1000));
                return store;
            } catch (SessionStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the store never reconnected", e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    @Test
    void aRedisThatNeverAnsweredIsAClearErrorToo() throws Exception {
        SessionStore store = worker("redis://127.0.0.1:" + LocalRedis.freePort() + "/0");
        SessionStoreException down = assertThrows(SessionStoreException.class, () -> store.load(id(1)));
        assertTrue(down.getMessage().contains("is unavailable"), down.getMessage());
        assertNull(worker().load(id(1)), "the real one is unaffected");
    }
}
