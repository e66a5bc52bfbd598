package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.deploy.apps.LibServlet;
import dev.malt.server.servlet.deploy.apps.Unrelated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a deployed app is made of: resource roots, class loader, temp dir; exploded and plain-servlet apps. */
class DeployedAppTest {

    @TempDir
    Path dir;

    private final WebAppDeployer deployer = new WebAppDeployer(WebAppDeployer.Limits.DEFAULTS);

    private Path state() {
        return dir.resolve("state");
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' missing in: " + message);
        }
    }

    private static ZipBuilder resourceJar(String file, String content) {
        return new ZipBuilder().text("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
                .directory("META-INF/resources").text("META-INF/resources/" + file, content);
    }

    @Test
    void resourceRootsAreTheWarThenEachJarsResourcesInFragmentOrder() throws Exception {
        Path war = new ZipBuilder()
                .text("index.html", "war")
                .text("WEB-INF/web.xml", "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.1\">"
                        + "<absolute-ordering><name>Z</name><others/></absolute-ordering></web-app>")
                .zip("WEB-INF/lib/a.jar", resourceJar("a.css", "a").text("META-INF/resources/index.html", "jar"))
                .zip("WEB-INF/lib/m.jar", new ZipBuilder().text("m.txt", "no resources"))
                .zip("WEB-INF/lib/z.jar", resourceJar("js/z.js", "z").text("META-INF/web-fragment.xml",
                        "<web-fragment><name>Z</name></web-fragment>"))
                .write(dir.resolve("shop.war"));
        try (DeployedApp app = deployer.deploy("shop", "/shop", war, state())) {
            List<Path> roots = app.resourceRoots();
            assertEquals(3, roots.size(), roots.toString());
            assertEquals("war", Files.readString(roots.get(0).resolve("index.html")));
            assertEquals("z", Files.readString(roots.get(1).resolve("js/z.js")));
            assertEquals("a", Files.readString(roots.get(2).resolve("a.css")));
            assertEquals("jar", Files.readString(roots.get(2).resolve("index.html")), "extracted, shadowed by the root");
            assertTrue(roots.get(1).startsWith(state().resolve("webapps/shop")));
            assertFalse(Files.exists(roots.get(1).resolve("META-INF")), "only what is under META-INF/resources");
        }
    }

    @Test
    void theClassLoaderHasClassesFirstThenJarsByName() throws Exception {
        Path war = new ZipBuilder()
                .classes("WEB-INF/classes/", Unrelated.class)
                .zip("WEB-INF/lib/zz.jar", new ZipBuilder().text("z.txt", "z"))
                .zip("WEB-INF/lib/aa.jar", new ZipBuilder().classes("", LibServlet.class))
                .text("WEB-INF/lib/notes.txt", "not a jar")
                .write(dir.resolve("shop.war"));
        try (DeployedApp app = deployer.deploy("shop", "/shop", war, state())) {
            WebAppClassLoader loader = app.classLoader();
            assertEquals("malt-app:shop/shop", loader.getName());
            List<String> urls = Arrays.stream(loader.getURLs()).map(URL::getPath).toList();
            assertEquals(3, urls.size(), urls.toString());
            assertTrue(urls.get(0).endsWith("/WEB-INF/classes/"), urls.get(0));
            assertTrue(urls.get(1).endsWith("/WEB-INF/lib/aa.jar"), urls.get(1));
            assertTrue(urls.get(2).endsWith("/WEB-INF/lib/zz.jar"), urls.get(2));
            Class<?> loaded = loader.loadClass(Unrelated.class.getName());
            assertEquals(loader, loaded.getClassLoader(), "webapp first");
        }
    }

    @Test
    void eachWorkerGetsAFreshTempDirAndDeadWorkersDirsGo() throws Exception {
        Path war = new ZipBuilder().text("index.html", "x").write(dir.resolve("shop.war"));
        Path dead = Files.createDirectories(state().resolve("tmp/ROOT-" + deadPid()));
        Files.writeString(dead.resolve("upload.tmp"), "x");
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Path alive = Files.createDirectories(state().resolve("tmp/ROOT-" + parent));
        Path otherContext = Files.createDirectories(state().resolve("tmp/ROOT-x-" + deadPid()));
        try (DeployedApp app = deployer.deploy("shop", "", war, state())) {
            Path temp = app.tempDir();
            assertEquals(state().resolve("tmp/ROOT-" + ProcessHandle.current().pid()), temp);
            try (Stream<Path> list = Files.list(temp)) {
                assertEquals(0, list.count());
            }
            Files.writeString(temp.resolve("left.tmp"), "x");
        }
        assertFalse(Files.exists(dead), "the directory of a dead worker is removed");
        assertTrue(Files.exists(alive), "a live worker's directory stays");
        assertTrue(Files.exists(otherContext), "another context's directory is not ours to judge");
        try (DeployedApp app = deployer.deploy("shop", "", war, state())) {
            assertNotEquals(state().resolve("tmp/ROOT-" + ProcessHandle.current().pid()), app.tempDir(),
                    "a second deploy in one JVM gets its own directory");
            try (Stream<Path> list = Files.list(app.tempDir())) {
                assertEquals(0, list.count());
            }
        }
    }

    @Test
    void anExplodedDirectoryIsServedInPlaceWithItsJarsResourcesInTheStateDir() throws Exception {
        Path app = Files.createDirectories(dir.resolve("exploded"));
        Files.writeString(app.resolve("index.html"), "exploded");
        Files.createDirectories(app.resolve("WEB-INF/lib"));
        resourceJar("lib.css", "lib").write(app.resolve("WEB-INF/lib/lib.jar"));
        try (DeployedApp deployed = deployer.deploy("shop", "", app, state())) {
            assertEquals(app.toRealPath(), deployed.root());
            assertEquals(2, deployed.resourceRoots().size());
            assertEquals("lib", Files.readString(deployed.resourceRoots().get(1).resolve("lib.css")));
            assertTrue(deployed.resourceRoots().get(1).startsWith(state()));
        }
        Files.writeString(app.resolve("index.html"), "changed in place");
        resourceJar("lib.css", "lib v2").write(app.resolve("WEB-INF/lib/lib.jar"));
        Files.setLastModifiedTime(app.resolve("WEB-INF/lib/lib.jar"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        try (DeployedApp deployed = deployer.deploy("shop", "", app, state())) {
            assertEquals("lib v2", Files.readString(deployed.resourceRoots().get(1).resolve("lib.css")),
                    "a changed jar is extracted again");
        }
    }

    @Test
    void aSymlinkLeadingOutOfAnExplodedDirectoryFailsTheDeploy() throws Exception {
        Path app = Files.createDirectories(dir.resolve("exploded"));
        Path outside = Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createDirectories(app.resolve("static"));
        Files.createSymbolicLink(app.resolve("static/secret.txt"), outside);
        AppLoadException e = assertThrows(AppLoadException.class, () -> deployer.deploy("shop", "", app, state()));
        assertContains(e.getMessage(), app.toString(), "static/secret.txt", outside.toString(), "outside");
    }

    @Test
    void symlinksInsideAnExplodedDirectoryAreFine() throws Exception {
        Path app = Files.createDirectories(dir.resolve("exploded"));
        Files.createDirectories(app.resolve("v2/css"));
        Files.writeString(app.resolve("v2/css/site.css"), "x");
        Files.createSymbolicLink(app.resolve("current"), Path.of("v2"));
        Files.createSymbolicLink(app.resolve("dangling"), Path.of("nowhere"));
        try (DeployedApp deployed = deployer.deploy("shop", "", app, state())) {
            assertEquals("x", Files.readString(deployed.root().resolve("current/css/site.css")));
        }
        Files.createSymbolicLink(app.resolve("up"), Path.of("../../etc"));
        AppLoadException e = assertThrows(AppLoadException.class, () -> deployer.deploy("shop", "", app, state()));
        assertContains(e.getMessage(), "up", "outside");
    }

    @Test
    void aPlainServletAppIsOneServletAtSlashStar() throws Exception {
        Path base = Files.createDirectories(dir.resolve("app"));
        Files.createDirectories(base.resolve("classes"));
        new ZipBuilder().classes("", LibServlet.class).write(base.resolve("lib/b.jar"));
        new ZipBuilder().text("a.txt", "a").write(base.resolve("lib/a.jar"));
        try (DeployedApp app = deployer.deployServletClass("hello", "/hi", "com.example.Hello",
                List.of("classes", "lib/*.jar"), base, Map.of("greeting", "hi"), state())) {
            WebAppModel model = app.model();
            ServletModel servlet = model.servlets().get(0);
            assertEquals("com.example.Hello", servlet.className());
            assertEquals(List.of("/*"), servlet.urlPatterns());
            assertEquals(Map.of("greeting", "hi"), servlet.initParams());
            assertEquals(List.of(base), app.resourceRoots());
            assertEquals("/hi", app.contextPath());
            assertEquals("malt-app:hello/hi", app.classLoader().getName());
            List<String> urls = Arrays.stream(app.classLoader().getURLs()).map(URL::getPath).toList();
            assertEquals(List.of(base.resolve("classes").toUri().getPath(), base.resolve("lib/a.jar").toUri().getPath(),
                    base.resolve("lib/b.jar").toUri().getPath()), urls);
            assertTrue(app.tempDir().startsWith(state().resolve("tmp")));
        }
    }

    @Test
    void aPlainServletAppKeepsTheClasspathMessages() throws Exception {
        Path base = Files.createDirectories(dir.resolve("app"));
        Files.createDirectories(base.resolve("lib"));
        Files.writeString(base.resolve("lib/readme.txt"), "x");
        assertContains(assertThrows(AppLoadException.class, () -> deployer.deployServletClass("hello", "",
                        "com.example.Hello", List.of("lib/*.jar"), base, Map.of(), state())).getMessage(),
                "'lib/*.jar' matches no jar or zip file in " + base.resolve("lib"), "readme.txt");
        assertContains(assertThrows(AppLoadException.class, () -> deployer.deployServletClass("hello", "",
                        "com.example.Hello", List.of("missing"), base, Map.of(), state())).getMessage(),
                "Classpath entry 'missing' does not exist", "'classpath' option");
        assertContains(assertThrows(AppLoadException.class, () -> deployer.deployServletClass("hello", "",
                        " ", List.of(), base, Map.of(), state())).getMessage(),
                "names no servlet class");
        assertContains(assertThrows(AppLoadException.class, () -> deployer.deployServletClass("hello", "",
                        "com/example/Hello.class", List.of(), base, Map.of(), state())).getMessage(),
                "not a Java class name");
        assertContains(assertThrows(AppLoadException.class, () -> deployer.deployServletClass("hello", "",
                        "com.example.Hello", List.of(), dir.resolve("nope"), Map.of(), state())).getMessage(),
                "does not exist", "'chdir'");
    }

    /** The pid of a process that has exited. */
    private static long deadPid() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("true").start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        long pid = process.pid();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        return pid;
    }
}
