package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unpacking WARs: where they go, when they are reused, and every way an archive is refused. */
class WarUnpackingTest {

    @TempDir
    Path dir;

    private final WebAppDeployer deployer = new WebAppDeployer(WebAppDeployer.Limits.DEFAULTS);

    private Path state() {
        return dir.resolve("state");
    }

    private static ZipBuilder simpleWar() {
        return new ZipBuilder()
                .text("index.html", "<h1>hello</h1>")
                .directory("css")
                .text("css/site.css", "body{}")
                .text("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.1">
                          <display-name>simple</display-name>
                        </web-app>""");
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' missing in: " + message);
        }
    }

    /** Every file under the test directory except the WAR itself and what is under the state dir. */
    private Set<Path> filesOutsideState(Path war) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(path -> !path.startsWith(state()) && !path.equals(dir) && !path.equals(war))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void unpacksIntoTheStateDirectoryByContextAndVersion() throws Exception {
        Path war = simpleWar().write(dir.resolve("shop.war"));
        try (DeployedApp app = deployer.deploy("shop", "/shop", war, state())) {
            Path root = app.root();
            assertTrue(root.startsWith(state().resolve("webapps/shop")), root.toString());
            assertEquals("war", root.getFileName().toString());
            assertEquals("<h1>hello</h1>", Files.readString(root.resolve("index.html")));
            assertEquals("body{}", Files.readString(root.resolve("css/site.css")));
            assertEquals("simple", app.model().displayName());
            assertEquals("/shop", app.contextPath());
            assertEquals(war, app.source());
        }
        try (DeployedApp app = deployer.deploy("shop", "/", war, state())) {
            assertTrue(app.root().startsWith(state().resolve("webapps/ROOT")), app.root().toString());
            assertEquals("", app.contextPath());
        }
    }

    @Test
    void anUnchangedWarIsReusedWithoutRewritingIt() throws Exception {
        Path war = simpleWar().write(dir.resolve("shop.war"));
        Path root;
        Object fileKey;
        FileTime written;
        try (DeployedApp app = deployer.deploy("shop", "", war, state())) {
            root = app.root();
            BasicFileAttributes attributes = Files.readAttributes(root.resolve("index.html"), BasicFileAttributes.class);
            fileKey = attributes.fileKey();
            written = attributes.lastModifiedTime();
        }
        try (DeployedApp app = deployer.deploy("shop", "", war, state())) {
            assertEquals(root, app.root());
            BasicFileAttributes attributes = Files.readAttributes(root.resolve("index.html"), BasicFileAttributes.class);
            assertEquals(fileKey, attributes.fileKey(), "the same file, not a new copy");
            assertEquals(written, attributes.lastModifiedTime());
        }
        assertEquals(1, versions().size());
    }

    @Test
    void aChangedWarIsUnpackedAgainKeepingThePreviousVersionOnly() throws Exception {
        Path war = dir.resolve("shop.war");
        simpleWar().text("v.txt", "1").write(war);
        Path first = rootOf(war);
        simpleWar().text("v.txt", "2").write(war);
        Files.setLastModifiedTime(war, FileTime.fromMillis(Files.getLastModifiedTime(war).toMillis() + 2000));
        Path second = rootOf(war);
        assertNotEquals(first, second);
        assertEquals("2", Files.readString(second.resolve("v.txt")));
        assertEquals("1", Files.readString(first.resolve("v.txt")), "the previous generation may still serve from it");

        simpleWar().text("v.txt", "33").write(war);
        Files.setLastModifiedTime(war, FileTime.fromMillis(Files.getLastModifiedTime(war).toMillis() + 4000));
        Path third = rootOf(war);
        assertEquals("33", Files.readString(third.resolve("v.txt")));
        assertTrue(Files.isDirectory(second), "the previous version stays");
        assertFalse(Files.exists(first.getParent()), "older versions are deleted");
        assertEquals(2, versions().size());
    }

    @Test
    void aWarWithTheSameSizeAndTimeButOtherContentGetsANewVersion() throws Exception {
        Path war = dir.resolve("shop.war");
        simpleWar().text("v.txt", "1").write(war);
        FileTime time = Files.getLastModifiedTime(war);
        Path first = rootOf(war);
        simpleWar().text("v.txt", "2").write(war);
        Files.setLastModifiedTime(war, time);
        Path second = rootOf(war);
        assertNotEquals(first, second);
        assertEquals("2", Files.readString(second.resolve("v.txt")));
    }

    @Test
    void concurrentDeploysOfOneWarUnpackItOnce() throws Exception {
        Path war = simpleWar().write(dir.resolve("shop.war"));
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Callable<Object> deploy = () -> {
                start.await();
                try (DeployedApp app = deployer.deploy("shop", "", war, state())) {
                    assertEquals("<h1>hello</h1>", Files.readString(app.root().resolve("index.html")));
                    return Files.readAttributes(app.root().resolve("index.html"), BasicFileAttributes.class).fileKey();
                }
            };
            List<Future<Object>> results = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(deploy));
            }
            start.countDown();
            Object first = results.get(0).get();
            for (Future<Object> result : results) {
                assertEquals(first, result.get(), "every deploy sees the one unpacked copy");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, versions().size());
        try (Stream<Path> list = Files.list(state().resolve("webapps/ROOT"))) {
            assertTrue(list.noneMatch(path -> path.getFileName().toString().startsWith(".building")),
                    "no temp directory left");
        }
    }

    @Test
    void workerJvmsStartingTogetherShareOneUnpacking() throws Exception {
        Path war = simpleWar().write(dir.resolve("shop.war"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> workers = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            workers.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    DeployMain.class.getName(), war.toString(), state().toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }
        Set<String> unpacked = new java.util.HashSet<>();
        Set<String> tempDirs = new java.util.HashSet<>();
        for (Process worker : workers) {
            String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, worker.waitFor(), output);
            String[] parts = output.split(" ");
            assertEquals("<h1>hello</h1>", parts[2], output);
            unpacked.add(parts[0] + " " + parts[1]);
            tempDirs.add(parts[3]);
        }
        assertEquals(1, unpacked.size(), "one directory, one copy of each file: " + unpacked);
        assertEquals(2, tempDirs.size(), "each worker its own temp dir");
        assertEquals(1, versions().size());
    }

    @Test
    void anUnpackingLeftBehindByAKilledWorkerIsCleanedUp() throws Exception {
        Path war = simpleWar().write(dir.resolve("shop.war"));
        Path leftover = Files.createDirectories(state().resolve("webapps/ROOT/.building-123/war"));
        Files.writeString(leftover.resolve("half.html"), "x");
        try (DeployedApp app = deployer.deploy("shop", "", war, state())) {
            assertTrue(Files.exists(app.root().resolve("index.html")));
        }
        assertFalse(Files.exists(leftover.getParent()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.txt", "WEB-INF/../../evil.txt", "a/../../../evil.txt", "..\\evil.txt"})
    void entriesClimbingOutFailTheDeployAndWriteNothingOutside(String entry) throws Exception {
        Path war = simpleWar().text(entry, "pwned").write(dir.resolve("evil.war"));
        AppLoadException e = assertThrows(AppLoadException.class, () -> deployer.deploy("evil", "", war, state()));
        assertContains(e.getMessage(), war.toString(), entry.replace('\\', '/'), "outside");
        assertEquals(Set.of(), filesOutsideState(war));
        assertNoVersionDirs();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tmp/evil.txt", "C:/evil.txt", "c:\\evil.txt", "\\evil.txt"})
    void absoluteEntriesFailTheDeploy(String entry) throws Exception {
        Path war = simpleWar().text(entry, "pwned").write(dir.resolve("evil.war"));
        AppLoadException e = assertThrows(AppLoadException.class, () -> deployer.deploy("evil", "", war, state()));
        assertContains(e.getMessage(), war.toString(), entry.replace('\\', '/'), "absolute path");
        assertEquals(Set.of(), filesOutsideState(war));
        assertFalse(Files.exists(Path.of("/tmp/evil.txt")));
        assertNoVersionDirs();
    }

    @Test
    void symlinkEntriesFailTheDeploy() throws Exception {
        Path war = simpleWar().symlink("passwd", "/etc/passwd").write(dir.resolve("evil.war"));
        AppLoadException e = assertThrows(AppLoadException.class, () -> deployer.deploy("evil", "", war, state()));
        assertContains(e.getMessage(), war.toString(), "'passwd'", "symbolic link");
        assertNoVersionDirs();
    }

    @Test
    void zipSlipInsideAJarsResourcesFailsTheDeploy() throws Exception {
        ZipBuilder jar = new ZipBuilder().text("META-INF/resources/ok.css", "x")
                .text("META-INF/resources/../../../evil.txt", "pwned");
        Path war = simpleWar().zip("WEB-INF/lib/bad.jar", jar).write(dir.resolve("evil.war"));
        AppLoadException e = assertThrows(AppLoadException.class, () -> deployer.deploy("evil", "", war, state()));
        assertContains(e.getMessage(), "evil.war!/WEB-INF/lib/bad.jar", "META-INF/resources/../../../evil.txt");
        assertEquals(Set.of(), filesOutsideState(war));
        assertNoVersionDirs();
    }

    @Test
    void tooManyEntriesStopAtTheCap() throws Exception {
        ZipBuilder builder = simpleWar();
        for (int i = 0; i < 20; i++) {
            builder.text("f" + i + ".txt", "x");
        }
        Path war = builder.write(dir.resolve("many.war"));
        WebAppDeployer small = new WebAppDeployer(new WebAppDeployer.Limits(1 << 20, 10, 1 << 20, 1 << 20));
        AppLoadException e = assertThrows(AppLoadException.class, () -> small.deploy("many", "", war, state()));
        assertContains(e.getMessage(), war.toString(), "more than 10 entries", "zip bomb");
        assertNoVersionDirs();
    }

    @Test
    void aHugeEntryStopsAtTheEntryCap() throws Exception {
        Path war = simpleWar().bytes("big.bin", new byte[300_000]).write(dir.resolve("bomb.war"));
        assertTrue(Files.size(war) < 10_000, "it compresses well, as a bomb does");
        WebAppDeployer small = new WebAppDeployer(new WebAppDeployer.Limits(1 << 30, 1000, 100_000, 1 << 20));
        AppLoadException e = assertThrows(AppLoadException.class, () -> small.deploy("bomb", "", war, state()));
        assertContains(e.getMessage(), war.toString(), "'big.bin'", "100000 bytes", "one entry");
        assertNoVersionDirs();
    }

    @Test
    void theTotalStopsAtTheDeploymentCap() throws Exception {
        ZipBuilder builder = simpleWar();
        for (int i = 0; i < 5; i++) {
            builder.bytes("part" + i + ".bin", new byte[50_000]);
        }
        Path war = builder.write(dir.resolve("bomb.war"));
        WebAppDeployer small = new WebAppDeployer(new WebAppDeployer.Limits(120_000, 1000, 100_000, 1 << 20));
        AppLoadException e = assertThrows(AppLoadException.class, () -> small.deploy("bomb", "", war, state()));
        assertContains(e.getMessage(), war.toString(), "unpacks to more than 120000 bytes", "part2.bin");
        assertNoVersionDirs();
    }

    @Test
    void aFileThatIsNotAZipIsNamedWithTheCause() throws Exception {
        Path war = Files.writeString(dir.resolve("notes.war"), "this is not a zip file at all");
        AppLoadException e = assertThrows(AppLoadException.class, () -> deployer.deploy("x", "", war, state()));
        assertContains(e.getMessage(), war.toString(), "not a readable zip archive", "copy it again");
        assertNoVersionDirs();
    }

    @Test
    void aTruncatedWarIsNamedWithTheCause() throws Exception {
        byte[] whole = simpleWar().bytes("data.bin", randomBytes(50_000)).toBytes();
        Path war = Files.write(dir.resolve("cut.war"), java.util.Arrays.copyOf(whole, whole.length / 2));
        AppLoadException e = assertThrows(AppLoadException.class, () -> deployer.deploy("x", "", war, state()));
        assertContains(e.getMessage(), war.toString(), "not a readable zip archive");
        assertNoVersionDirs();
    }

    @Test
    void aDamagedEntryIsFoundByItsChecksum() throws Exception {
        byte[] content = "0123456789".repeat(20).getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(buffer)) {
            java.util.zip.ZipEntry entry = new java.util.zip.ZipEntry("data.txt");
            entry.setMethod(java.util.zip.ZipEntry.STORED);
            entry.setSize(content.length);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(content);
            entry.setCrc(crc.getValue());
            out.putNextEntry(entry);
            out.write(content);
            out.closeEntry();
        }
        byte[] zip = buffer.toByteArray();
        int nameLength = (zip[26] & 0xff) | (zip[27] & 0xff) << 8;
        int extraLength = (zip[28] & 0xff) | (zip[29] & 0xff) << 8;
        zip[30 + nameLength + extraLength + 5] ^= 0x55; // one byte of the stored data
        Path war = Files.write(dir.resolve("damaged.war"), zip);
        AppLoadException e = assertThrows(AppLoadException.class, () -> deployer.deploy("x", "", war, state()));
        assertContains(e.getMessage(), war.toString(), "'data.txt'", "checksum");
        assertNoVersionDirs();
    }

    @Test
    void aMissingSourceSaysWhatToSet() {
        Path missing = dir.resolve("nope.war");
        AppLoadException e = assertThrows(AppLoadException.class, () -> deployer.deploy("shop", "", missing, state()));
        assertContains(e.getMessage(), missing.toString(), "does not exist", "'war'");
    }

    @Test
    void aBadContextPathIsRefused() throws Exception {
        Path war = simpleWar().write(dir.resolve("shop.war"));
        AppLoadException e = assertThrows(AppLoadException.class,
                () -> deployer.deploy("shop", "/a/../b", war, state()));
        assertContains(e.getMessage(), "'/a/../b'");
    }

    private Path rootOf(Path war) throws AppLoadException {
        try (DeployedApp app = deployer.deploy("shop", "", war, state())) {
            return app.root();
        }
    }

    private List<Path> versions() throws IOException {
        try (Stream<Path> list = Files.list(state().resolve("webapps/ROOT"))) {
            return list.filter(Files::isDirectory).toList();
        }
    }

    private void assertNoVersionDirs() throws IOException {
        Path apps = state().resolve("webapps");
        if (!Files.exists(apps)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(apps, 2)) {
            List<Path> dirs = walk.filter(path -> apps.relativize(path).getNameCount() == 2)
                    .filter(path -> !path.getFileName().toString().equals(VersionedDirectory.LOCK_FILE)).toList();
            assertEquals(List.of(), dirs, "nothing unpacked stays behind");
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new java.util.Random(7).nextBytes(bytes);
        return bytes;
    }
}
