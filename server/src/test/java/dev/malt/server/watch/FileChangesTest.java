package dev.malt.server.watch;

import dev.malt.server.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real files, real inotify. Where a test claims that something was not reported, a second subscription on
 * another file of the same directory is touched afterwards: the kernel reports a directory's events in
 * order, and one thread delivers them, so once that one has been told, the first would have been too.
 */
class FileChangesTest {

    @TempDir
    Path dir;

    private FileChanges changes;
    private int touches;

    @BeforeEach
    void start() throws IOException {
        changes = new FileChanges(FileSystems.getDefault().newWatchService());
    }

    @AfterEach
    void stop() throws IOException {
        changes.shutdown();
    }

    @Test
    void touchingAWatchedFileIsReported() throws IOException {
        Path file = Files.createFile(dir.resolve("reload.touch"));
        AtomicInteger calls = new AtomicInteger();
        FileChanges.Subscription subscription = changes.watch(List.of(file), calls::incrementAndGet);
        assertTrue(subscription.active());

        touch(file);

        Eventually.until("the touch is reported", () -> calls.get() >= 1);
    }

    @Test
    void creatingAMissingWatchedFileIsReported() throws IOException {
        Path file = dir.resolve("reload.touch");
        AtomicInteger calls = new AtomicInteger();
        changes.watch(List.of(file), calls::incrementAndGet);

        Files.createFile(file);

        Eventually.until("the new file is reported", () -> calls.get() >= 1);
    }

    @Test
    void otherFilesOfTheDirectoryAreNotReported() throws IOException {
        Path watched = Files.createFile(dir.resolve("reload.touch"));
        Path other = Files.createFile(dir.resolve("app.log"));
        Path sentinel = Files.createFile(dir.resolve("sentinel"));
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger sentinelCalls = new AtomicInteger();
        changes.watch(List.of(watched), calls::incrementAndGet);
        changes.watch(List.of(sentinel), sentinelCalls::incrementAndGet);

        touch(other);
        Files.writeString(other, "a line\n");
        touch(sentinel);

        Eventually.until("the sentinel is reported", () -> sentinelCalls.get() >= 1);
        assertEquals(0, calls.get());
    }

    @Test
    void aClosedSubscriptionHearsNothingMore() throws IOException {
        Path watched = Files.createFile(dir.resolve("reload.touch"));
        Path sentinel = Files.createFile(dir.resolve("sentinel"));
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger sentinelCalls = new AtomicInteger();
        FileChanges.Subscription subscription = changes.watch(List.of(watched), calls::incrementAndGet);
        changes.watch(List.of(sentinel), sentinelCalls::incrementAndGet);

        subscription.close();
        assertFalse(subscription.active());
        touch(watched);
        touch(sentinel);

        Eventually.until("the sentinel is reported", () -> sentinelCalls.get() >= 1);
        assertEquals(0, calls.get());
    }

    @Test
    void touchingTheTargetOfAWatchedLinkIsReported() throws IOException {
        Path targets = Files.createDirectory(dir.resolve("apps-available"));
        Path links = Files.createDirectory(dir.resolve("apps-enabled"));
        Path target = Files.createFile(targets.resolve("shop.ini"));
        Path link = Files.createSymbolicLink(links.resolve("shop.ini"), Path.of("../apps-available/shop.ini"));
        AtomicInteger calls = new AtomicInteger();
        changes.watch(List.of(link), calls::incrementAndGet);

        touch(target);

        Eventually.until("the target's touch is reported", () -> calls.get() >= 1);
    }

    @Test
    void aFileInADirectoryThatDoesNotExistIsLeftToPolling() {
        AtomicInteger calls = new AtomicInteger();
        FileChanges.Subscription subscription = changes.watch(List.of(dir.resolve("missing/reload.touch")),
                calls::incrementAndGet);

        assertFalse(subscription.active());
    }

    @Test
    void aWatchedDirectoryReportsItsEntriesWithTheSuffix() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        changes.watchDirectory(dir, ".ini", calls::incrementAndGet);

        Files.writeString(dir.resolve("shop.ini"), "[malt]\n");

        Eventually.until("the new INI file is reported", () -> calls.get() >= 1);
    }

    @Test
    void aWatchedDirectoryIgnoresOtherNames() throws IOException {
        Path sentinel = Files.createFile(dir.resolve("sentinel"));
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger sentinelCalls = new AtomicInteger();
        changes.watchDirectory(dir, ".ini", calls::incrementAndGet);
        changes.watch(List.of(sentinel), sentinelCalls::incrementAndGet);

        Files.writeString(dir.resolve("shop.ini.swp"), "x");
        Files.writeString(dir.resolve("README"), "x");
        touch(sentinel);

        Eventually.until("the sentinel is reported", () -> sentinelCalls.get() >= 1);
        assertEquals(0, calls.get());
    }

    /** {@code touch}: a later modification time, as an operator's touch gives. */
    private void touch(Path file) throws IOException {
        touches++;
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(touches)));
    }
}
