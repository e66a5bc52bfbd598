package dev.malt.server.servlet.session;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.malt.server.servlet.SessionSettings;
import dev.malt.server.servlet.core.SessionData;
import dev.malt.server.servlet.core.SessionStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file store on its own: several store objects on one directory are several workers of an app.
 * What a killed worker leaves behind, damaged files and hostile ids must never break a request.
 */
class FileSessionStoreTest {

    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path stateDir;

    private final Logger log = (Logger) LoggerFactory.getLogger("malt.app.store-test");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<SessionStore> opened = new ArrayList<>();
    private final List<SessionStores> factories = new ArrayList<>();

    @BeforeEach
    void captureLogs() {
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
        return worker(SessionSettings.DEFAULTS, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    private SessionStore worker(SessionSettings settings, Clock clock) {
        SessionStores stores = SessionStores.open("store-test", settings, stateDir, log);
        factories.add(stores);
        SessionStore store = stores.open(new SessionStore.Context("store-test", "/shop",
                getClass().getClassLoader(), clock, log, new NoActivation()));
        opened.add(store);
        return store;
    }

    private Path dir() {
        return stateDir.resolve("sessions").resolve("shop");
    }

    private static String id(int n) {
        return String.format("%032X", n);
    }

    /** A new session with attributes, saved as its first request would. */
    private static SessionData saved(SessionStore store, String id, Object... nameValues) {
        SessionData data = new SessionData(id, NOW, 1800);
        for (int i = 0; i < nameValues.length; i += 2) {
            data.attributes().put((String) nameValues[i], nameValues[i + 1]);
        }
        store.add(data);
        store.save(data, NOW, true);
        return data;
    }

    private List<String> logged(Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void anotherWorkerReadsWhatOneWrote() {
        saved(worker(), id(1), "user", "alice", "cart", new ArrayList<>(List.of("tea")));
        SessionData read = worker().load(id(1));
        assertNotNull(read);
        assertEquals("alice", read.attributes().get("user"));
        assertEquals(List.of("tea"), read.attributes().get("cart"));
        assertEquals(NOW, read.creationTime());
        assertEquals(1800, read.maxInactiveSeconds());
    }

    @Test
    void idsThatCouldNameAnotherFileAreUnknownWithoutTouchingTheFileSystem() throws IOException {
        SessionStore store = worker();
        saved(store, id(1), "a", "1");
        // a valid record outside the store's directory, where a traversal would lead
        Files.copy(dir().resolve(id(1)), stateDir.resolve("sessions").resolve("ESCAPEDESCAPEDESCAPED"));
        for (String bad : List.of("../ESCAPEDESCAPEDESCAPED", "..%2FESCAPEDESCAPEDESCAPED", "/etc/passwd",
                id(1) + "/.", id(1) + "\u0000", "." + id(1), "short", "X".repeat(129), "", " " + id(1))) {
            assertNull(store.load(bad), bad);
        }
        assertNotNull(store.load(id(1)));
        assertFalse(SessionIds.isWellFormed("ESCAPED.ESCAPED.ESCAPED"));
        assertTrue(SessionIds.isWellFormed("node0abc-DEF_0123456789"));
    }

    @Test
    void aDamagedFileIsLoggedAndCountsAsAbsent() throws IOException {
        SessionStore store = worker();
        saved(store, id(1), "a", "1");
        saved(store, id(2), "a", "2");
        saved(store, id(3), "a", "3");
        Path file = dir().resolve(id(1));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x55; // a flipped bit in the payload
        Files.write(file, bytes);
        Files.write(dir().resolve(id(2)), Arrays.copyOf(Files.readAllBytes(dir().resolve(id(2))), 30)); // truncated
        Files.writeString(dir().resolve(id(3)), "garbage, not a session at all");

        SessionStore other = worker();
        assertNull(other.load(id(1)));
        assertNull(other.load(id(2)));
        assertNull(other.load(id(3)));
        assertNull(other.load(id(3)));
        List<String> warnings = logged(Level.WARN);
        assertEquals(3, warnings.size(), "one warning per damaged session: " + warnings);
        assertTrue(warnings.get(0).contains("checksum"), warnings.get(0));
        assertTrue(warnings.get(1).contains("torn"), warnings.get(1));
        assertTrue(warnings.get(2).contains("not a Malt session record"), warnings.get(2));
    }

    @Test
    void aWorkerKilledInTheMiddleOfAWriteLeavesTheOldRecordAndATempFileThatASweepRemoves() throws IOException {
        SessionStore store = worker();
        saved(store, id(1), "a", "old");
        // what a kill -9 between write() and rename() leaves: half a new record under a temporary name
        byte[] whole = Files.readAllBytes(dir().resolve(id(1)));
        Path temp = dir().resolve(FileSessionBackend.TEMP_PREFIX + NOW + "-" + id(1) + "-1f2e3d");
        Files.write(temp, Arrays.copyOf(whole, whole.length / 2));

        SessionData read = worker().load(id(1));
        assertEquals("old", read.attributes().get("a"));

        SessionStore later = worker(SessionSettings.DEFAULTS,
                Clock.fixed(Instant.ofEpochMilli(NOW + FileSessionBackend.LEFTOVER_MILLIS - 1), ZoneOffset.UTC));
        later.claimExpired(NOW + FileSessionBackend.LEFTOVER_MILLIS - 1);
        assertTrue(Files.exists(temp), "a write may still be under way");
        later.claimExpired(NOW + FileSessionBackend.LEFTOVER_MILLIS);
        assertFalse(Files.exists(temp));
        assertTrue(Files.exists(dir().resolve(id(1))), "the session itself is not expired");
        assertTrue(logged(Level.INFO).stream().anyMatch(m -> m.contains(temp.toString())), logs.list.toString());
    }

    @Test
    void concurrentWritersNeverShowAReaderAMixOrATornRecord() throws Exception {
        SessionStore a = worker();
        SessionStore b = worker();
        SessionStore reader = worker();
        saved(a, id(7), "x", "a-0", "y", "a-0", "payload", "-".repeat(10_000));
        int rounds = 400;
        ExecutorService threads = Executors.newFixedThreadPool(4);
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicInteger reads = new AtomicInteger();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (SessionStore store : List.of(a, b)) {
                String name = store == a ? "a" : "b";
                writers.add(threads.submit(() -> {
                    for (int i = 1; i <= rounds; i++) {
                        SessionData data = store.load(id(7));
                        if (data == null) {
                            problems.add(name + " lost the session at round " + i);
                            return;
                        }
                        String value = name + "-" + i;
                        data.attributes().put("x", value);
                        data.attributes().put("y", value);
                        data.attributes().put("payload", value.repeat(1000 + i)); // records of changing sizes
                        store.save(data, NOW, true);
                    }
                }));
            }
            Future<?> reading = threads.submit(() -> {
                while (writing.get()) {
                    SessionData data = reader.load(id(7));
                    reads.incrementAndGet();
                    if (data == null) {
                        problems.add("a reader found no session");
                    } else if (!data.attributes().get("x").equals(data.attributes().get("y"))) {
                        problems.add("a reader saw a mix: " + data.attributes().get("x") + " / "
                                + data.attributes().get("y"));
                    }
                }
            });
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            reading.get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertEquals(List.of(), problems.stream().limit(5).toList(), problems.size() + " problems");
        assertTrue(reads.get() > 0);
        assertEquals(List.of(), logged(Level.WARN));
        String last = (String) reader.load(id(7)).attributes().get("x");
        assertTrue(last.equals("a-" + rounds) || last.equals("b-" + rounds), "the last writer wins: " + last);
        try (Stream<Path> files = Files.list(dir())) {
            assertEquals(List.of(id(7)), files.map(p -> p.getFileName().toString()).toList(), "no temp file left");
        }
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
    void aSweepClaimsOnlyExpiredSessionsAndReturnsThemWithTheirAttributes() {
        SessionStore store = worker();
        saved(store, id(1), "a", "1");
        SessionData longer = saved(store, id(2));
        store.accessed(longer, NOW + 1000_000); // used later: expires later

        List<SessionData> expired = worker().claimExpired(NOW + 1800_000);
        assertEquals(List.of(id(1)), expired.stream().map(SessionData::id).toList());
        assertEquals("1", expired.get(0).attributes().get("a"));
        assertNotNull(worker().load(id(2)));
        assertNull(worker().load(id(1)));
    }

    @Test
    void theTimeOfTheLastUseIsTheFilesTimeNotARewrite() throws IOException {
        SessionStore store = worker();
        SessionData data = saved(store, id(1), "a", "1");
        Object inode = Files.readAttributes(dir().resolve(id(1)),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        store.accessed(data, NOW + 500); // within a second: not recorded
        assertEquals(NOW + 1800_000, Files.getLastModifiedTime(dir().resolve(id(1))).toMillis());
        store.accessed(data, NOW + 5000);
        store.save(data, NOW + 5000, false);
        assertEquals(NOW + 5000 + 1800_000, Files.getLastModifiedTime(dir().resolve(id(1))).toMillis());
        assertEquals(inode, Files.readAttributes(dir().resolve(id(1)),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        assertEquals(NOW + 5000, worker().load(id(1)).lastAccessedTime());
    }

    @Test
    void aSessionOverTheSizeLimitIsNotSavedAndTheLogNamesTheAttribute() {
        SessionSettings small = new SessionSettings("file", 1000, 4096, 60);
        SessionStore store = worker(small, Clock.systemUTC());
        SessionData data = saved(store, id(1), "a", "1");
        data.attributes().put("big", "x".repeat(10_000));
        store.save(data, NOW, true);
        assertNull(worker(small, Clock.systemUTC()).load(id(1)).attributes().get("big"));
        List<String> errors = logged(Level.ERROR);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("over session-max-size (4096 bytes) at attribute 'big' (java.lang.String"),
                errors.get(0));
        assertTrue(data.isDirty(), "saved again at the next chance");
    }

    @Test
    void aFullStoreRefusesNewSessions() {
        SessionSettings two = new SessionSettings("file", 2, SessionSettings.DEFAULT_MAX_BYTES, 60);
        SessionStore store = worker(two, Clock.systemUTC());
        saved(store, id(1));
        saved(store, id(2));
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> worker(two, Clock.systemUTC()).add(new SessionData(id(3), NOW, 60)));
        assertTrue(full.getMessage().contains("holds 2 sessions, and max-sessions is 2"), full.getMessage());
    }

    @Test
    void anAttributeWhoseClassIsGoneIsLeftOutAndTheRestReads() throws Exception {
        SessionStore store = worker();
        saved(store, id(1), "a", "1", "gone", new Vanishing());
        // the same record read by a class loader that cannot see Vanishing (the app was redeployed without it)
        ClassLoader jdkOnly = ClassLoader.getPlatformClassLoader();
        SessionStores stores = SessionStores.open("store-test", SessionSettings.DEFAULTS, stateDir, log);
        factories.add(stores);
        SessionStore other = stores.open(new SessionStore.Context("store-test", "/shop", jdkOnly, Clock.systemUTC(),
                log, new NoActivation()));
        SessionData read = other.load(id(1));
        assertEquals("1", read.attributes().get("a"));
        assertFalse(read.attributes().containsKey("gone"));
        List<String> warnings = logged(Level.WARN);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("attribute 'gone' cannot be read back"), warnings.get(0));
        assertTrue(warnings.get(0).contains(Vanishing.class.getName()), warnings.get(0));
    }

    /** A Serializable app class. */
    static final class Vanishing implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    private static final class NoActivation implements SessionStore.Activation {
        @Override
        public void willPassivate(SessionData session) {
        }

        @Override
        public void didActivate(SessionData session) {
        }
    }
}
