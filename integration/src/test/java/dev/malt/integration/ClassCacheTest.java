package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Wait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code class-cache = auto} (the default): the first worker of an app records the class cache in the state
 * directory while it serves, and the workers of the next generation start from it, on the JDK that runs Malt
 * (an AppCDS archive on JDK 17) and on a JDK 25 given as {@code java-home} (an AOT cache).
 */
@ExtendWith(Diagnostics.class)
class ClassCacheTest {

    /** The recording ends 10 s after the worker is ready; the AOT cache then takes a JVM start to assemble. */
    private static final Duration RECORDING = Duration.ofSeconds(120);
    private static final Pattern RECORDER = Pattern.compile("worker pid (\\d+) of \\S+ records the app's class cache (\\S+),");

    @Test
    void theNextGenerationOfWorkersStartsFromTheArchiveTheFirstWrote() throws Exception {
        MaltProcess.Builder builder = MaltProcess.probe("cds").option("workers", "2");
        try (MaltProcess malt = start(builder)) {
            Path cache = recordAndReload(malt, "-XX:SharedArchiveFile=");
            assertTrue(cache.getFileName().toString().endsWith(".jsa"), cache.toString());
        }
    }

    @Test
    void onJdk25TheWorkersStartFromAnAotCache() throws Exception {
        MaltProcess.Builder builder = MaltProcess.probe("aot").option("workers", "2")
                .option("java-home", jdk25().toString());
        try (MaltProcess malt = start(builder)) {
            Path cache = recordAndReload(malt, "-XX:AOTCache=");
            assertTrue(cache.getFileName().toString().endsWith(".aot"), cache.toString());
        }
    }

    @Test
    void aDamagedArchiveIsLeftAsideAndReplaced() throws Exception {
        MaltProcess.Builder builder = MaltProcess.probe("damaged").option("workers", "1");
        try (MaltProcess malt = start(builder)) {
            Path cache = recordAndReload(malt, "-XX:SharedArchiveFile=");
            // Damaged by someone else (by a rename: the workers that mapped the old file go on unharmed). JDK 17
            // starts without it and says nothing; the master sees that the new worker did not map it.
            Path garbage = Files.write(cache.resolveSibling("garbage"), new byte[1 << 20]);
            Files.move(garbage, cache, StandardCopyOption.REPLACE_EXISTING);
            reload(malt);
            malt.awaitOutputLine(Duration.ofSeconds(30), "the class cache " + cache, "is not used any more");

            // The next worker records a new one, and is replaced by one that starts from it.
            long recorder = reload(malt).iterator().next();
            Wait.until(RECORDING, () -> count(malt, "wrote the app's class cache " + cache) == 2,
                    () -> "no second cache was written; last lines:\n" + malt.outputTail(30));
            for (long pid : malt.awaitFreshWorkers(1, List.of(recorder), Duration.ofSeconds(90)).values()) {
                assertStartsFrom(pid, cache, "-XX:SharedArchiveFile=");
            }
        }
    }

    private final Endpoint http = Endpoint.freeTcp();

    private MaltProcess start(MaltProcess.Builder builder) {
        return builder.httpSocket(http).option("state-dir", builder.path("state").toString())
                .option("class-cache", "auto").start();
    }

    /** A graceful reload (SIGHUP); returns the new workers' pids once they all serve. */
    private static Collection<Long> reload(MaltProcess malt) {
        Collection<Long> before = malt.readyWorkers().values();
        malt.signal("HUP");
        return malt.awaitFreshWorkers(before.size(), before, Duration.ofSeconds(90)).values();
    }

    private static long count(MaltProcess malt, String text) {
        return malt.output().lines().filter(line -> line.contains(text)).count();
    }

    /**
     * Waits for the recorder to write the cache (after a few requests), reloads, and checks that every new worker
     * was started from it and has it mapped. Returns the cache.
     */
    private Path recordAndReload(MaltProcess malt, String flag) throws IOException {
        malt.awaitOutputLine(Duration.ofSeconds(30), "records the app's class cache");
        Matcher m = RECORDER.matcher(malt.output());
        assertTrue(m.find(), malt.outputTail(30));
        long recorder = Long.parseLong(m.group(1));
        Path cache = Path.of(m.group(2));
        assertEquals(malt.dir().resolve("state/class-cache"), cache.getParent(), "in the app's state directory");
        assertTrue(cmdline(recorder).stream().noneMatch(arg -> arg.startsWith(flag)), "the recorder starts without");

        for (int i = 0; i < 20; i++) {
            assertEquals(200, RawHttp.get("/").send(http).status());
        }
        malt.awaitOutputLine(RECORDING, "wrote the app's class cache " + cache);
        assertTrue(Files.isRegularFile(cache), cache + " is there");
        try (Stream<Path> files = Files.list(cache.getParent())) {
            assertEquals(List.of(cache), files.toList(), "only the cache: the recording's own file was renamed");
        }

        // Recording cost the recorder memory: it asks to be replaced, and its successor starts from the cache.
        malt.awaitOutputLine(Duration.ofSeconds(30), "pid " + recorder + ")", "asks to be replaced");
        int slot = malt.readyWorkers().entrySet().stream().filter(e -> e.getValue() == recorder)
                .map(Map.Entry::getKey).findFirst().orElse(1);
        int workers = Integer.parseInt(option(malt, "workers"));
        Map<Integer, Long> successors = malt.awaitFreshWorkers(workers, List.of(recorder), Duration.ofSeconds(90));
        assertStartsFrom(successors.get(slot), cache, flag);
        // And so does every worker of the next generation.
        for (long pid : reload(malt)) {
            assertStartsFrom(pid, cache, flag);
        }
        assertFalse(malt.output().contains("is not used any more"), malt.outputTail(30));
        return cache;
    }

    /** The worker was given the cache, and its JVM mapped it (the JVM only warns when it cannot). */
    private static void assertStartsFrom(long pid, Path cache, String flag) throws IOException {
        assertTrue(cmdline(pid).contains(flag + cache), "worker " + pid + " runs " + cmdline(pid));
        assertTrue(Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps")).stream()
                .anyMatch(line -> line.endsWith(" " + cache)), "worker " + pid + " has " + cache + " mapped");
    }

    private static String option(MaltProcess malt, String key) throws IOException {
        return Files.readAllLines(malt.ini()).stream().filter(line -> line.startsWith(key + " = "))
                .map(line -> line.substring(key.length() + 3)).reduce((first, last) -> last).orElseThrow();
    }

    private static List<String> cmdline(long pid) throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }

    /** A JDK 25 or later, which has the AOT cache; these machines have one under /usr/lib/jvm. */
    private static Path jdk25() throws IOException {
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> release(home) >= 25).findFirst()
                    .orElseThrow(() -> new AssertionError("no JDK 25 or later under /usr/lib/jvm: install one, e.g."
                            + " apt-get install -y temurin-25-jdk (Adoptium's repository), to test the AOT cache"));
        }
    }

    private static int release(Path home) {
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
