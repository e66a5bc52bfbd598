package dev.malt.server.servlet;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.malt.server.servlet.session.SessionStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Stream;

import static dev.malt.server.servlet.TestWebApp.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every session rule of {@link SessionTest} again with the file store (the default), and what sharing
 * adds: a second host on the same state directory plays a second worker of the app.
 */
class FileStoreSessionTest extends SessionTest {

    @TempDir
    Path stateDir;

    private final Logger appLog = (Logger) LoggerFactory.getLogger("malt.app.test");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<ServletHost> others = new ArrayList<>();

    @Override
    TestWebApp app() {
        return super.app().sessionStores(stores());
    }

    private SessionStores stores() {
        return SessionStores.open("test", SessionSettings.DEFAULTS, stateDir, appLog);
    }

    /** Another worker of the same app: its own host and store, the same state directory and clock. */
    private ServletHost worker() {
        ServletHost other = app().start(clock);
        others.add(other);
        return other;
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        appLog.addAppender(logs);
    }

    @AfterEach
    void stopOthers() {
        appLog.detachAppender(logs);
        others.forEach(ServletHost::close);
    }

    private List<String> logged(Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void sessionsLiveInTheStateDirectory() throws Exception {
        String id = create();
        Path file = stateDir.resolve("sessions").resolve("ctx").resolve(id);
        assertTrue(Files.isRegularFile(file), file + " should hold the session");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    void aSessionMovesBetweenWorkersBothWays() {
        ServletHost second = worker();
        String id = create();
        get("/ctx/s/set?name=a&value=1", id);

        Map<String, String> there = lines(second, "/ctx/s/get", id);
        assertEquals(id, there.get("session"));
        assertEquals("1", there.get("attr.a"));
        assertEquals("false", there.get("isNew"));

        get(second, "/ctx/s/set?name=b&value=2", id);
        Map<String, String> back = lines("/ctx/s/get", id);
        assertEquals("1", back.get("attr.a"));
        assertEquals("2", back.get("attr.b"));
    }

    @Test
    void aValueChangedInPlaceIsSavedToo() {
        ServletHost second = worker();
        String id = create();
        get("/ctx/s/append?name=list&value=x", id);
        get("/ctx/s/append?name=list&value=y", id);
        assertEquals("[x, y]", lines(second, "/ctx/s/get", id).get("attr.list"));
    }

    @Test
    void theSessionOutlivesTheWorkers() {
        String id = create();
        get("/ctx/s/set?name=a&value=1", id);
        host.close(); // a reload: every worker stops...
        host = app().start(clock); // ...and new ones start
        events = TestWebApp.events(host, "/ctx");
        assertEquals("1", lines("/ctx/s/get", id).get("attr.a"));
        assertEquals(List.of(), drain(events), "no listener hears a reload");
    }

    @Test
    void invalidationInOneWorkerEndsTheSessionEverywhere() {
        ServletHost second = worker();
        BlockingQueue<String> secondEvents = TestWebApp.events(second, "/ctx");
        String id = create();
        get("/ctx/s/set?name=a&value=1", id);
        assertEquals("1", lines(second, "/ctx/s/get", id).get("attr.a")); // the second worker holds it now
        drain(events);
        drain(secondEvents);

        lines("/ctx/s/invalidate", id);
        assertEquals("none", lines(second, "/ctx/s/get", id).get("session"));
        assertEquals(List.of("destroyed " + id + " {a=1}", "removed a=1"), drain(events));
        assertEquals(List.of(), drain(secondEvents));
    }

    @Test
    void aSaveDoesNotBringBackASessionAnotherWorkerEnded() throws Exception {
        ServletHost second = worker();
        String id = create();
        get("/ctx/s/set?name=a&value=1", id);
        lines(second, "/ctx/s/invalidate", id);
        get("/ctx/s/set?name=a&value=2", id); // the first worker's request: no session any more, a new one
        Path dir = stateDir.resolve("sessions").resolve("ctx");
        assertFalse(Files.exists(dir.resolve(id)));
    }

    @Test
    void anIdChangeInOneWorkerIsSeenByTheOther() {
        ServletHost second = worker();
        String id = create();
        get("/ctx/s/set?name=a&value=1", id);
        lines(second, "/ctx/s/get", id);
        String newId = lines("/ctx/s/change", id).get("new");
        assertEquals("none", lines(second, "/ctx/s/get", id).get("session"));
        assertEquals("1", lines(second, "/ctx/s/get", newId).get("attr.a"));
    }

    // Servlet spec 7.5 with two workers sweeping at once: every expired session is destroyed once
    @Test
    void twoWorkersSweepingAtOnceDestroyEachSessionOnce() throws Exception {
        ServletHost second = worker();
        BlockingQueue<String> secondEvents = TestWebApp.events(second, "/ctx");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            ids.add(create());
        }
        drain(events);
        clock.advance(Duration.ofSeconds(61));
        CyclicBarrier start = new CyclicBarrier(2);
        Thread other = new Thread(() -> {
            await(start);
            second.context("/ctx").sessions().sweep();
        });
        other.start();
        await(start);
        host.context("/ctx").sessions().sweep();
        other.join();

        List<String> destroyed = new ArrayList<>(drain(events));
        destroyed.addAll(drain(secondEvents));
        List<String> destroyedIds = destroyed.stream().map(e -> e.split(" ")[1]).sorted().toList();
        assertEquals(ids.stream().sorted().toList(), destroyedIds, "each session destroyed exactly once");
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aValueThatIsNotSerializableStaysInItsWorkerAndTheLogNamesTheAttribute() {
        ServletHost second = worker();
        String id = create();
        Map<String, String> here = lines("/ctx/s/plain?name=widget", id);
        assertEquals("none", here.get("error"), here.toString());
        assertTrue(lines("/ctx/s/get", id).containsKey("attr.widget"), "this worker keeps it");
        assertNull(lines(second, "/ctx/s/get", id).get("attr.widget"), "another worker cannot see it");
        List<String> errors = logged(Level.ERROR);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("attribute 'widget' (dev.malt.server.servlet.apps.core.Unserializable$Plain)"),
                errors.get(0));
        assertTrue(errors.get(0).contains("does not implement java.io.Serializable"), errors.get(0));
    }

    @Test
    void aValueHoldingSomethingUnserializableIsLeftOutAndLogged() {
        ServletHost second = worker();
        String id = create();
        get("/ctx/s/set?name=a&value=1", id);
        get("/ctx/s/holder?name=h", id);
        Map<String, String> there = lines(second, "/ctx/s/get", id);
        assertEquals("1", there.get("attr.a"));
        assertNull(there.get("attr.h"));
        List<String> errors = logged(Level.ERROR);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("attribute 'h' (dev.malt.server.servlet.apps.core.Unserializable$Holder)"),
                errors.get(0));
        assertTrue(errors.get(0).contains("Unserializable$Plain does not implement java.io.Serializable"),
                errors.get(0));
    }

    // Servlet spec 7.7.2: activation listeners hear the store serialize them and read them back
    @Test
    void activationListenersHearWritesAndReads() {
        ServletHost second = worker();
        BlockingQueue<String> secondEvents = TestWebApp.events(second, "/ctx");
        String id = create();
        get("/ctx/s/activation?name=v&label=L", id);
        assertEquals(List.of("added v=L", "passivate L", "activate L"), drain(events));
        lines(second, "/ctx/s/get", id);
        assertEquals(List.of("activate L"), drain(secondEvents).subList(0, 1));
    }

    @Test
    void aReadOnlyRequestDoesNotRewriteTheFile() throws Exception {
        String id = create();
        get("/ctx/s/set?name=a&value=1", id);
        Path file = stateDir.resolve("sessions").resolve("ctx").resolve(id);
        Object inode = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        clock.advance(Duration.ofSeconds(5));
        lines("/ctx/s/get", id);
        assertEquals(inode, Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "the same file, only its time moved");
        assertEquals(clock.millis() + 60_000, Files.getLastModifiedTime(file).toMillis());
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(id), files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
