package dev.malt.server.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.malt.server.classcache.JvmRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmFlagsTest {

    @TempDir
    Path dir;

    private Optional<JvmRelease> jdk(String version) throws IOException {
        Path home = Files.createDirectories(dir.resolve("jdk-" + version));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        return JvmRelease.read(home);
    }

    @Test
    void workersGetASerialHeapWithARoomyYoungGenerationOnEveryJdk() throws IOException {
        for (Optional<JvmRelease> release : List.of(jdk("17.0.2"), jdk("25.0.3"), Optional.<JvmRelease>empty())) {
            List<String> flags = JvmWorkerLauncher.defaultFlags(release);
            assertTrue(flags.containsAll(List.of("-XX:+UseSerialGC", "-Xms24m", "-XX:NewSize=12m",
                    "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED")), flags.toString());
            assertFalse(flags.stream().anyMatch(flag -> flag.startsWith("-Xmn")), "the young generation may grow");
        }
    }

    @Test
    void theNativeHeapIsTrimmedOnlyWhereTheFlagIsAProductOne() throws IOException {
        String trim = JvmWorkerLauncher.TRIM_NATIVE_HEAP;
        assertTrue(JvmWorkerLauncher.defaultFlags(jdk("17.0.15")).contains(trim));
        assertTrue(JvmWorkerLauncher.defaultFlags(jdk("17.0.11")).contains(trim));
        assertTrue(JvmWorkerLauncher.defaultFlags(jdk("21.0.4")).contains(trim));
        assertTrue(JvmWorkerLauncher.defaultFlags(jdk("22.0.1")).contains(trim));
        assertTrue(JvmWorkerLauncher.defaultFlags(jdk("25")).contains(trim));
        assertFalse(JvmWorkerLauncher.defaultFlags(jdk("17.0.10")).contains(trim), "experimental there");
        assertFalse(JvmWorkerLauncher.defaultFlags(jdk("21.0.3")).contains(trim));
        assertFalse(JvmWorkerLauncher.defaultFlags(jdk("22")).contains(trim));
        assertFalse(JvmWorkerLauncher.defaultFlags(jdk("19.0.2")).contains(trim));
        assertFalse(JvmWorkerLauncher.defaultFlags(Optional.empty()).contains(trim), "unknown: only safe flags");
    }

    @Test
    void jvmOptionsComeAfterMaltsFlagsAndTheCacheSoTheyWin() {
        JvmWorkerLauncher launcher = new JvmWorkerLauncher(new JvmWorkerLauncher.Spec("shop", List.of(),
                Path.of("/usr/lib/jvm/jdk"), List.of("-XX:+UseSerialGC", "-Xms24m"), "256m", List.of("-Xms64m"),
                "/opt/malt/lib/a.jar", Path.of("/run/control.sock"), dir, Map.of(), ""), null);
        List<String> command = launcher.command(1, List.of("-XX:SharedArchiveFile=/var/lib/malt/shop/x.jsa"));
        int serial = command.indexOf("-XX:+UseSerialGC");
        int heap = command.indexOf("-Xmx256m");
        int cache = command.indexOf("-XX:SharedArchiveFile=/var/lib/malt/shop/x.jsa");
        int own = command.indexOf("-Xms64m");
        assertTrue(serial < heap && heap < cache && cache < own, command.toString());
        assertEquals(command.indexOf("-cp"), own + 1);
    }
}
