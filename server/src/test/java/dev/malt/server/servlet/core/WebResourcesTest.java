package dev.malt.server.servlet.core;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What {@code ServletContext.getResource}, {@code getResourceAsStream} and {@code getRealPath} stand on:
 * nothing outside the WAR's root, by {@code ..} or through a symlink, however the link got there (an app
 * may make one at run time, after the deploy checked the tree).
 */
class WebResourcesTest {

    @TempDir
    Path dir;
    private Path root;
    private Path outside;
    private WebResources resources;

    @BeforeEach
    void layout() throws Exception {
        root = Files.createDirectories(dir.resolve("war"));
        Files.writeString(root.resolve("index.html"), "home");
        Files.createDirectories(root.resolve("css"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        resources = new WebResources(List.of(root));
        // made after the resources were set up, as an app could at run time
        Files.createSymbolicLink(root.resolve("out"), outside);
        Files.createSymbolicLink(root.resolve("gone"), dir.resolve("nowhere"));
        Files.createSymbolicLink(root.resolve("styles"), Path.of("css"));
    }

    @Test
    void filesInsideResolve() throws Exception {
        assertEquals(root.toRealPath().resolve("index.html").toString(), resources.realPath("/index.html"));
        assertEquals(root.toRealPath().resolve("new/file.txt").toString(), resources.realPath("/new/file.txt"),
                "a file that does not exist yet, inside");
        assertEquals(root.toRealPath().resolve("styles/site.css").toString(), resources.realPath("/styles/site.css"),
                "through a symlink that stays inside");
        assertEquals(root.toRealPath().resolve("index.html").toUri().toURL(), resources.url("/css/../index.html"));
    }

    @Test
    void dotDotCannotClimbOut() throws Exception {
        assertNull(resources.realPath("/../outside/secret.txt"));
        assertNull(resources.url("/../outside/secret.txt"));
        assertNull(resources.realPath("/css/../../outside/new.txt"));
    }

    @Test
    void aSymlinkOutCannotBeFollowed() throws Exception {
        assertNull(resources.url("/out/secret.txt"));
        assertNull(resources.file("/out/secret.txt"));
        assertNull(resources.realPath("/out/secret.txt"));
        assertNull(resources.list("/out/"));
    }

    @Test
    void aFileNotYetThereCannotBeNamedThroughASymlinkOut() {
        assertNull(resources.realPath("/out/new.txt"), "the app would write it outside the WAR");
        assertNull(resources.realPath("/out/deeper/new.txt"));
        assertNull(resources.realPath("/gone/new.txt"), "a dangling link may lead anywhere");
    }

    @Test
    void aPathNoFileCanHaveIsNullNotAnException() throws Exception {
        assertNull(resources.url("/a\0b"));
        assertNull(resources.realPath("/a\0b"));
        assertNull(resources.file("/a\0b"));
        assertNull(resources.list("/a\0b/"));
    }
}
