package dev.malt.server.classcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CacheFormatTest {

    private static final Path HOME = Path.of("/usr/lib/jvm/some-jdk");

    private static Optional<CacheFormat> forVersion(String javaVersion) {
        return JvmRelease.parse("IMPLEMENTOR=\"Someone\"\nJAVA_VERSION=\"" + javaVersion + "\"\n", HOME)
                .flatMap(CacheFormat::forRelease);
    }

    @Test
    void jdk25AndLaterMakeAnAotCacheEarlierOnesACdsArchive() {
        assertEquals(Optional.of(CacheFormat.CDS), forVersion("17.0.15"));
        assertEquals(Optional.of(CacheFormat.CDS), forVersion("21.0.4"));
        assertEquals(Optional.of(CacheFormat.CDS), forVersion("24"));
        assertEquals(Optional.of(CacheFormat.AOT), forVersion("25.0.3"));
        assertEquals(Optional.of(CacheFormat.AOT), forVersion("26-ea"));
        assertEquals(Optional.empty(), forVersion("1.8.0_392"));
        assertEquals(Optional.empty(), forVersion("11.0.2"));
    }

    @Test
    void aReleaseFileWithoutAVersionIsNoJvmToMakeACacheWith() {
        assertEquals(Optional.empty(), JvmRelease.parse("IMPLEMENTOR=\"Someone\"\n", HOME));
        JvmRelease legacy = JvmRelease.parse("JAVA_VERSION=\"1.8.0_392\"", HOME).orElseThrow();
        assertEquals(List.of(8, 392), List.of(legacy.feature(), legacy.update()));
        JvmRelease lts = JvmRelease.parse("JAVA_VERSION=\"17.0.15\"", HOME).orElseThrow();
        assertEquals(List.of(17, 15), List.of(lts.feature(), lts.update()));
        assertTrue(lts.atLeast(17, 11) && lts.atLeast(11, 99) && !lts.atLeast(17, 16) && !lts.atLeast(21, 0));
        assertEquals(0, JvmRelease.parse("JAVA_VERSION=\"25\"", HOME).orElseThrow().update());
    }

    @Test
    void theIdentityTellsBuildsOfOneReleaseApart() {
        JvmRelease one = JvmRelease.parse("JAVA_VERSION=\"17.0.15\"\nJAVA_RUNTIME_VERSION=\"17.0.15+6\"", HOME)
                .orElseThrow();
        JvmRelease other = JvmRelease.parse("JAVA_VERSION=\"17.0.15\"\nJAVA_RUNTIME_VERSION=\"17.0.15+7\"", HOME)
                .orElseThrow();
        assertFalse(one.identity().equals(other.identity()));
    }

    @Test
    void aWorkerThatUsesTheCacheMapsItAndOneThatRecordsIsToldWhereToPublish() {
        Path cache = Path.of("/var/lib/malt/shop/class-cache/shop-0123456789abcdef.jsa");
        Path output = Path.of(cache + ".77-1.tmp");
        assertEquals(List.of("-XX:SharedArchiveFile=" + cache), CacheFormat.CDS.useFlags(cache));
        assertEquals(List.of("-XX:AOTCache=" + cache), CacheFormat.AOT.useFlags(cache));

        List<String> cds = CacheFormat.CDS.recordingFlags(cache, output);
        assertTrue(cds.contains("-XX:+RecordDynamicDumpInfo"), cds.toString());
        assertTrue(cds.contains("-Dmalt.class-cache=" + cache), cds.toString());
        assertTrue(cds.contains("-Dmalt.class-cache.output=" + output), cds.toString());
        assertTrue(cds.contains("-Dmalt.class-cache.format=CDS"), cds.toString());
        assertFalse(cds.stream().anyMatch(flag -> flag.startsWith("-XX:ArchiveClassesAtExit")), "nothing at exit");

        List<String> aot = CacheFormat.AOT.recordingFlags(cache, output);
        assertTrue(aot.contains("-XX:AOTCacheOutput=" + output), aot.toString());
        assertTrue(aot.contains("-Dmalt.class-cache.format=AOT"), aot.toString());
    }

    @Test
    void jvmOptionsThatManageClassSharingTurnTheCacheOff() {
        assertEquals(Optional.of("-Xshare:off"), CacheFormat.operatorFlag(List.of("-Xss512k", "-Xshare:off")));
        assertEquals(Optional.of("-XX:SharedArchiveFile=/srv/app.jsa"),
                CacheFormat.operatorFlag(List.of("-XX:SharedArchiveFile=/srv/app.jsa")));
        assertEquals(Optional.of("-XX:AOTCache=/srv/app.aot"),
                CacheFormat.operatorFlag(List.of("-XX:AOTCache=/srv/app.aot")));
        assertEquals(Optional.of("-XX:AOTMode=off"), CacheFormat.operatorFlag(List.of("-XX:AOTMode=off")));
        assertEquals(Optional.empty(), CacheFormat.operatorFlag(List.of("-XX:+UseSerialGC", "-Xmx64m",
                "-Dshare=1")));
    }

    @Test
    void theSettingIsAutoOrOff() {
        assertEquals("auto", CacheFormat.normalizeSetting("auto"));
        assertEquals("auto", CacheFormat.normalizeSetting("On"));
        assertEquals("off", CacheFormat.normalizeSetting("off"));
        assertEquals("off", CacheFormat.normalizeSetting("false"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CacheFormat.normalizeSetting("sometimes"));
        assertEquals("'sometimes' is not auto or off", e.getMessage());
    }
}
