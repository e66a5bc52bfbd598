package dev.malt.server.files;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How request paths find static-map files, and every way of reaching outside the mapped directory. */
class StaticMappingsTest {

    @TempDir
    Path tmp;
    Path site;
    Path secret;

    @BeforeEach
    void layout() throws IOException {
        tmp = tmp.toRealPath();
        site = Files.createDirectories(tmp.resolve("site/static"));
        Files.createDirectories(site.resolve("css"));
        Files.writeString(site.resolve("css/app.css"), "body{}");
        Files.writeString(site.resolve("caf\u00e9.txt"), "utf-8 name");
        Files.writeString(site.resolve(".well-known"), "dotfile");
        secret = Files.writeString(tmp.resolve("site/secret.txt"), "not for the web");
    }

    private StaticMappings map(String... prefixAndTarget) throws IOException {
        List<Map.Entry<String, Path>> entries = new java.util.ArrayList<>();
        for (int i = 0; i < prefixAndTarget.length; i += 2) {
            entries.add(Map.entry(prefixAndTarget[i], Path.of(prefixAndTarget[i + 1])));
        }
        return StaticMappings.of(entries);
    }

    private static StaticMappings.Resolution resolve(StaticMappings mappings, String path) {
        return mappings.resolve(path.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Path found(StaticMappings.Resolution resolution) {
        return assertInstanceOf(StaticMappings.Found.class, resolution).file();
    }

    @Test
    void aFileBelowThePrefixIsFound() throws IOException {
        StaticMappings m = map("/static", site.toString());
        assertEquals(site.resolve("css/app.css"), found(resolve(m, "/static/css/app.css")));
        assertEquals(site.resolve(".well-known"), found(resolve(m, "/static/.well-known")));
    }

    @Test
    void aTrailingSlashOnThePrefixChangesNothing() throws IOException {
        StaticMappings m = map("/static/", site.toString());
        assertEquals(site.resolve("css/app.css"), found(resolve(m, "/static/css/app.css")));
    }

    @Test
    void prefixesMatchWholeSegments() throws IOException {
        StaticMappings m = map("/static", site.toString());
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/staticcss/app.css"));
        assertTrue(m.matches("/static/x".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(!m.matches("/staticx".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void missingFilesAndDirectoriesGoOnToTheApp() throws IOException {
        StaticMappings m = map("/static", site.toString());
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/static/missing.css"));
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/static/css"));
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/static/css/"));
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/static"));
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/static/"));
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/static/css/app.css/x"));
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/other/app.css"));
    }

    @Test
    void theFirstMappingWithTheFileWins() throws IOException {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("only-here.txt"), "x");
        Files.createDirectories(other.resolve("css"));
        Files.writeString(other.resolve("css/app.css"), "shadowed");
        StaticMappings m = map("/static", site.toString(), "/static", other.toString());
        assertEquals(site.resolve("css/app.css"), found(resolve(m, "/static/css/app.css")));
        assertEquals(other.resolve("only-here.txt"), found(resolve(m, "/static/only-here.txt")));
    }

    @Test
    void aSingleFileMapping() throws IOException {
        StaticMappings m = map("/favicon.ico", site.resolve("css/app.css").toString());
        assertEquals(site.resolve("css/app.css"), found(resolve(m, "/favicon.ico")));
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/favicon.ico/x"));
    }

    @Test
    void theRootPrefixMapsEverything() throws IOException {
        StaticMappings m = map("/", site.toString());
        assertEquals(site.resolve("css/app.css"), found(resolve(m, "/css/app.css")));
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/"));
    }

    @Test
    void utf8NamesAreFound() throws IOException {
        StaticMappings m = map("/static", site.toString());
        String wire = new String("/static/caf\u00e9.txt".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals(site.resolve("caf\u00e9.txt"), found(resolve(m, wire)));
    }

    /** Each as a decoded PATH_INFO (one char a byte) under the prefix: refused before any file is touched. */
    @ParameterizedTest
    @ValueSource(strings = {
            "/static/../secret.txt",            // plain traversal, or %2e%2e and ..%2f decoded by the http-socket
            "/static/css/../../secret.txt",
            "/static/./css/app.css",            // any dot segment, even a harmless one
            "/static/..",
            "/static/%2e%2e/secret.txt",        // double encoding: %252e%252e decoded once
            "/static/..%2fsecret.txt",          // %2f left over from %252f
            "/static/%2E%2E%2Fsecret.txt",
            "/static/%00",
            "/static/..\\secret.txt",           // backslashes
            "/static/css/app.css\u0000.png",    // NUL
            "/static/css/app.css\n",            // control characters
            "/static/\u00c0\u00ae\u00c0\u00ae/secret.txt", // overlong UTF-8 for '.' (%c0%ae)
            "/static/\u00c0\u00afsecret.txt",   // overlong UTF-8 for '/' (%c0%af)
            "/static/\u00e0\u0080\u00ae",       // three-byte overlong '.'
            "/static/\u00ff",                   // not UTF-8 at all
    })
    void traversalShapesAreForbidden(String path) throws IOException {
        StaticMappings m = map("/static", site.toString());
        assertInstanceOf(StaticMappings.Forbidden.class, resolve(m, path), path);
    }

    @Test
    void pathsOutsideEveryPrefixAreLeftToTheApp() throws IOException {
        StaticMappings m = map("/static", site.toString());
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/app/../static/css/app.css"));
        // not below /static on Linux, where '\' is no separator: the app's own path rules apply
        assertInstanceOf(StaticMappings.NotMapped.class, resolve(m, "/static\\..\\secret.txt"));
    }

    @Test
    void symlinksLeavingTheDirectoryAreForbidden() throws IOException {
        Files.createSymbolicLink(site.resolve("leak.txt"), secret);
        Files.createSymbolicLink(site.resolve("up"), tmp.resolve("site"));
        Files.createSymbolicLink(site.resolve("etc"), Path.of("/etc"));
        StaticMappings m = map("/static", site.toString());
        assertInstanceOf(StaticMappings.Forbidden.class, resolve(m, "/static/leak.txt"));
        assertInstanceOf(StaticMappings.Forbidden.class, resolve(m, "/static/up/secret.txt"));
        assertInstanceOf(StaticMappings.Forbidden.class, resolve(m, "/static/etc/hostname"));
    }

    @Test
    void symlinksInsideTheDirectoryAreFollowed() throws IOException {
        Files.createSymbolicLink(site.resolve("alias.css"), site.resolve("css/app.css"));
        Files.createSymbolicLink(site.resolve("styles"), Path.of("css"));
        StaticMappings m = map("/static", site.toString());
        assertEquals(site.resolve("css/app.css"), found(resolve(m, "/static/alias.css")));
        assertEquals(site.resolve("css/app.css"), found(resolve(m, "/static/styles/app.css")));
    }

    @Test
    void aMappedDirectoryThatIsASymlinkIsResolvedOnce() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("current"), site);
        StaticMappings m = map("/static", link.toString());
        assertEquals(site.resolve("css/app.css"), found(resolve(m, "/static/css/app.css")));
    }

    @Test
    void specialFilesAreForbidden() throws Exception {
        Path fifo = site.resolve("pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        StaticMappings m = map("/static", site.toString());
        assertInstanceOf(StaticMappings.Forbidden.class, resolve(m, "/static/pipe"));
    }
}
