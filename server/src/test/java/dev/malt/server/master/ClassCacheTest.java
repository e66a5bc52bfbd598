package dev.malt.server.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.malt.server.classcache.CacheFormat;
import dev.malt.server.classcache.JvmRelease;
import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ConfigLoader;
import dev.malt.server.worker.WorkerMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassCacheTest {

    @TempDir
    Path dir;
    private Path jdk17;
    private Path jdk25;
    private Path appJar;
    /** Pids whose JVM maps the cache, as /proc/PID/maps would show. */
    private final Set<Long> mapping = new HashSet<>();
    private final ClassCache cache = new ClassCache("shop", (pid, name) -> mapping.contains(pid));
    private long nextPid = 100;

    @BeforeEach
    void jdks() throws IOException {
        jdk17 = jdk("jdk17", "17.0.15");
        jdk25 = jdk("jdk25", "25.0.3");
        appJar = Files.writeString(dir.resolve("shop.jar"), "classes");
    }

    private Path jdk(String name, String version) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    private AppConfig config(String... lines) throws IOException {
        Path ini = dir.resolve("shop.ini");
        Files.writeString(ini, "[malt]\nsocket = :3031\nservlet = com.example.Shop\nclasspath = shop.jar\n"
                + "state-dir = state\n" + String.join("\n", lines) + "\n");
        return new ConfigLoader(Map.of(), dir).load(ini);
    }

    private Optional<ClassCache.Setup> setup(AppConfig config, Path javaHome) {
        return setup(config, javaHome, true);
    }

    private Optional<ClassCache.Setup> setup(AppConfig config, Path javaHome, boolean sameUser) {
        Optional<JvmRelease> release = JvmRelease.read(javaHome);
        return ClassCache.setup(config, javaHome, release,
                JvmWorkerLauncher.jvmFlags(JvmWorkerLauncher.defaultFlags(release), null, config.jvmOptions()),
                dir.resolve("malt-server.jar").toString(), TouchFiles.DIRECT::lastModified, sameUser);
    }

    private ClassCache.Setup setup() throws IOException {
        return setup(config(), jdk17).orElseThrow();
    }

    private FakeWorker launch(ClassCache.Decision decision) {
        FakeWorker worker = new FakeWorker(1, nextPid++);
        cache.launched(decision, worker);
        return worker;
    }

    /** What a recording worker does in the end: its cache appears under the final name. */
    private static void publish(Path cache, long time) throws IOException {
        Files.createDirectories(cache.getParent());
        Files.writeString(cache, "archive");
        Files.setLastModifiedTime(cache, FileTime.fromMillis(time));
    }

    @Test
    void theCacheLivesInTheStateDirectoryNamedForTheAppAndItsKey() throws IOException {
        ClassCache.Setup setup = setup();
        Path file = setup.cacheFile();
        assertEquals(dir.resolve("state/class-cache"), file.getParent());
        assertTrue(file.getFileName().toString().matches("shop-[0-9a-f]{16}\\.jsa"), file.toString());
        assertEquals(CacheFormat.AOT, setup(config(), jdk25).orElseThrow().format());
        assertTrue(setup(config(), jdk25).orElseThrow().cacheFile().toString().endsWith(".aot"));
    }

    @Test
    void offAJvmWithoutReleaseFileOrJvmOptionsThatShareClassesMeanNoCache() throws IOException {
        assertEquals(Optional.empty(), setup(config("class-cache = off"), jdk17));
        assertEquals(Optional.empty(), setup(config(), Files.createDirectories(dir.resolve("jre-without-release"))));
        assertEquals(Optional.empty(), setup(config("jvm-options = -Xshare:off"), jdk17));
        assertEquals(Optional.empty(), setup(config("jvm-options = -XX:SharedArchiveFile=/srv/mine.jsa"), jdk17));
        assertTrue(setup(config("jvm-options = -Xss512k"), jdk17).isPresent());
    }

    @Test
    void aChangedAppJarJdkOrJvmOptionNamesAnotherCache() throws IOException {
        Path first = setup().cacheFile();
        Files.setLastModifiedTime(appJar, FileTime.fromMillis(Files.getLastModifiedTime(appJar).toMillis() + 5000));
        Path rebuilt = setup().cacheFile();
        assertNotEquals(first, rebuilt);
        assertNotEquals(rebuilt, setup(config("jvm-options = -Xss512k"), jdk17).orElseThrow().cacheFile());
        Files.writeString(jdk17.resolve("release"), "JAVA_VERSION=\"17.0.16\"\n");
        assertNotEquals(rebuilt, setup().cacheFile());
    }

    @Test
    void oneWorkerRecordsWhileTheOthersStartWithoutUntilTheCacheIsThere() throws IOException {
        ClassCache.Setup setup = setup();
        ClassCache.Decision first = cache.decide(setup);
        assertEquals(ClassCache.Role.RECORD, first.role());
        Path output = Path.of(first.flags().stream().filter(f -> f.startsWith("-Dmalt.class-cache.output="))
                .findFirst().orElseThrow().substring("-Dmalt.class-cache.output=".length()));
        assertEquals(setup.cacheFile().getParent(), output.getParent());
        assertTrue(output.getFileName().toString().startsWith(setup.cacheFile().getFileName() + "."), output.toString());
        launch(first);

        ClassCache.Decision second = cache.decide(setup);
        assertEquals(ClassCache.Role.NONE, second.role(), "two workers never record at once");
        assertEquals(List.of(), second.flags());
        launch(second);

        publish(setup.cacheFile(), 1_000_000);
        ClassCache.Decision third = cache.decide(setup);
        assertEquals(ClassCache.Role.USE, third.role());
        assertEquals(List.of("-XX:SharedArchiveFile=" + setup.cacheFile()), third.flags());
    }

    @Test
    void anAotRecordingNeedsItsDirectoryAtLaunchWhichOnlyAWorkerMayCreateForAnotherUser() throws IOException {
        ClassCache.Setup otherUser = setup(config(), jdk25, false).orElseThrow();
        ClassCache.Decision first = cache.decide(otherUser);
        assertEquals(ClassCache.Role.NONE, first.role());
        assertEquals(List.of("-Dmalt.class-cache.directory=" + dir.resolve("state/class-cache")), first.flags());
        launch(first);
        Files.createDirectories(dir.resolve("state/class-cache")); // what that worker did, as its user
        ClassCache.Decision second = cache.decide(otherUser);
        assertEquals(ClassCache.Role.RECORD, second.role());
        assertTrue(second.flags().stream().anyMatch(f -> f.startsWith("-XX:AOTCacheOutput=")), second.flags().toString());
    }

    @Test
    void aDirectoryTheWorkersCannotCreateIsAskedForOnceThenTheCacheIsGivenUp() throws IOException {
        ClassCache.Setup otherUser = setup(config(), jdk25, false).orElseThrow();
        FakeWorker first = launch(cache.decide(otherUser));
        FakeWorker second = launch(cache.decide(otherUser)); // started before the first could try
        assertEquals(List.of("-Dmalt.class-cache.directory=" + dir.resolve("state/class-cache")),
                cache.decide(otherUser).flags());
        cache.ready(first); // it tried, and the directory is still not there
        cache.ready(second);
        assertEquals(ClassCache.Decision.NONE, cache.decide(otherUser));
    }

    @Test
    void aMasterRunningAsTheWorkersUserCreatesTheDirectoryItself() throws IOException {
        ClassCache.Decision first = cache.decide(setup(config(), jdk25, true).orElseThrow());
        assertEquals(ClassCache.Role.RECORD, first.role());
        assertTrue(Files.isDirectory(dir.resolve("state/class-cache")));
    }

    @Test
    void aRecordingThatEndsWithoutACacheIsTriedAgainThenGivenUp() throws IOException {
        ClassCache.Setup setup = setup();
        launch(cache.decide(setup)).exit(137); // killed before it wrote anything
        ClassCache.Decision retry = cache.decide(setup);
        assertEquals(ClassCache.Role.RECORD, retry.role());
        launch(retry).exit(0); // the JVM could not write it (a full disk, say)
        assertEquals(ClassCache.Role.NONE, cache.decide(setup).role(),
                "after " + ClassCache.MAX_FAILED_RECORDINGS + " failures the master stops trying");
        cache.retry(); // the config was reloaded: perhaps the operator fixed it
        assertEquals(ClassCache.Role.RECORD, cache.decide(setup).role());
    }

    @Test
    void aCacheAWorkerDiedWithBeforeItWasReadyIsReplaced() throws IOException {
        ClassCache.Setup setup = setup();
        publish(setup.cacheFile(), 1_000_000);
        ClassCache.Decision use = cache.decide(setup);
        assertEquals(ClassCache.Role.USE, use.role());
        launch(use).exit(134); // what a JVM crash ends with (a truncated archive crashes JDK 17)

        ClassCache.Decision next = cache.decide(setup);
        assertEquals(ClassCache.Role.RECORD, next.role());
        launch(next);
        publish(setup.cacheFile(), 2_000_000); // the recorder renamed its new file over the bad one
        assertEquals(ClassCache.Role.USE, cache.decide(setup).role());
    }

    @Test
    void anAppThatFailsToLoadOrAWorkerKilledWhileStartingSaysNothingAboutTheCache() throws IOException {
        ClassCache.Setup setup = setup();
        publish(setup.cacheFile(), 1_000_000);
        launch(cache.decide(setup)).exit(WorkerMain.EXIT_BOOT_FAILURE);
        launch(cache.decide(setup)).exit(137); // a reload stopped it before it was ready
        launch(cache.decide(setup)).exit(1); // its master went away
        assertEquals(ClassCache.Role.USE, cache.decide(setup).role());
    }

    @Test
    void aCacheTheJvmDidNotMapIsReplaced() throws IOException {
        ClassCache.Setup setup = setup();
        publish(setup.cacheFile(), 1_000_000);
        FakeWorker mapped = launch(cache.decide(setup));
        mapping.add(mapped.pid());
        cache.ready(mapped);
        FakeWorker readyAfterExit = launch(cache.decide(setup));
        cache.ready(readyAfterExit);
        readyAfterExit.exit(0);
        assertEquals(ClassCache.Role.RECORD, cache.decide(setup).role(),
                "the JVM warned and started without it: stale or damaged");
    }

    @Test
    void aWorkerThatMappedTheCacheKeepsItInUse() throws IOException {
        ClassCache.Setup setup = setup();
        publish(setup.cacheFile(), 1_000_000);
        FakeWorker worker = launch(cache.decide(setup));
        mapping.add(worker.pid());
        cache.ready(worker);
        worker.exit(0);
        assertEquals(ClassCache.Role.USE, cache.decide(setup).role());
    }
}
