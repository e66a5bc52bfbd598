package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.ContextServlet;
import dev.malt.server.servlet.apps.DependentServlet;
import dev.malt.server.servlet.apps.support.AppBaseServlet;
import dev.malt.server.servlet.apps.FailingInitServlet;
import dev.malt.server.servlet.apps.LegacyJavaxServlet;
import dev.malt.server.servlet.apps.LifecycleServlet;
import dev.malt.server.servlet.apps.NoDefaultConstructorServlet;
import dev.malt.server.servlet.apps.NotAServlet;
import dev.malt.server.servlet.apps.ScenarioServlet;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static dev.malt.server.servlet.TestExchange.nginx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting apps: every way it fails, with the message an operator gets, and what a started app sees. */
class AppLoadTest {

    @TempDir
    Path dir;

    private static ServletAppSpec spec(String className, List<String> classpath, Path baseDir) {
        return new ServletAppSpec("shop", className, classpath, baseDir, "", Map.of());
    }

    private static AppLoadException failure(ServletAppSpec spec) {
        return assertThrows(AppLoadException.class, () -> ServletHost.start(spec).close());
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' missing in: " + message);
        }
    }

    @Test
    void missingClassNamesTheClassAndTheClasspathSearched() throws IOException {
        Files.createDirectories(dir.resolve("classes"));
        Files.createDirectories(dir.resolve("lib"));
        Files.write(dir.resolve("lib/a.jar"), emptyJar());
        AppLoadException e = failure(spec("com.example.Missing", List.of("classes", "lib/*.jar"), dir));
        assertContains(e.getMessage(), "Servlet class com.example.Missing was not found",
                dir.resolve("classes").toString(), dir.resolve("lib/a.jar").toString(), "'classes'", "'lib/*.jar'");
    }

    @Test
    void missingClassSuggestsTheSameSimpleNameInAnotherPackage() {
        AppLoadException e = failure(new ServletAppSpec("shop", "com.example.ScenarioServlet",
                List.of(Hosts.testClasses().toString()), Hosts.testClasses(), "", Map.of()));
        assertContains(e.getMessage(), "did you mean", ScenarioServlet.class.getName());
    }

    @Test
    void noClasspathAtAll() {
        AppLoadException e = failure(spec("com.example.Missing", List.of(), dir));
        assertContains(e.getMessage(), "has no classpath", "'classpath' option");
    }

    @Test
    void globThatMatchesNothingListsTheDirectory() throws IOException {
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/readme.txt"), "x");
        Files.write(dir.resolve("lib/app.war"), emptyJar());
        AppLoadException e = failure(spec(ScenarioServlet.class.getName(), List.of("lib/*.jar"), dir));
        assertContains(e.getMessage(), "'lib/*.jar' matches no jar or zip file in " + dir.resolve("lib"),
                "app.war", "readme.txt");
    }

    @Test
    void globInAMissingDirectory() {
        AppLoadException e = failure(spec(ScenarioServlet.class.getName(), List.of("nolib/*.jar"), dir));
        assertContains(e.getMessage(), "'nolib/*.jar' matches nothing", dir.resolve("nolib") + " does not exist");
    }

    @Test
    void missingPlainEntry() {
        AppLoadException e = failure(spec(ScenarioServlet.class.getName(), List.of("build/app.jar"), dir));
        assertContains(e.getMessage(), "'build/app.jar' does not exist", dir.resolve("build/app.jar").toString());
    }

    @Test
    void globExpandsToJarsInNameOrder() throws IOException {
        Files.createDirectories(dir.resolve("lib"));
        Files.write(dir.resolve("lib/b-app.jar"), jarOf("dev/malt/server/servlet/apps/"));
        Files.write(dir.resolve("lib/a-empty.jar"), emptyJar());
        Files.writeString(dir.resolve("lib/notes.txt"), "ignored");
        try (ServletHost host = ServletHost.start(spec(ScenarioServlet.class.getName(), List.of("lib/*"), dir))) {
            TestExchange exchange = TestExchange.of(nginx("GET", "/buffered"));
            host.handle(exchange);
            assertEquals("hello", exchange.channel.bodyText());
        } catch (AppLoadException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void javaxServletGetsTheMigrationHint() {
        AppLoadException e = failure(Hosts.spec(LegacyJavaxServlet.class, "", Map.of()));
        assertContains(e.getMessage(), "javax.servlet servlet",
                "Malt implements Jakarta Servlet 6; migrate javax.* to jakarta.*");
    }

    @Test
    void javaxServletWithoutTheJavaxApiOnTheClasspathGetsTheHintToo() throws IOException {
        // the usual case: the old app's jar without a javax servlet-api: the superclass itself is missing
        String file = LegacyJavaxServlet.class.getName().replace('.', '/') + ".class";
        Path copy = dir.resolve("classes").resolve(file);
        Files.createDirectories(copy.getParent());
        Files.copy(Hosts.testClasses().resolve(file), copy);
        AppLoadException e = failure(spec(LegacyJavaxServlet.class.getName(), List.of("classes"), dir));
        assertContains(e.getMessage(), "migrate javax.* to jakarta.*");
    }

    @Test
    void classThatIsNoServlet() {
        AppLoadException e = failure(Hosts.spec(NotAServlet.class, "", Map.of()));
        assertContains(e.getMessage(), NotAServlet.class.getName() + " is not a servlet", "java.lang.Runnable",
                "jakarta.servlet.http.HttpServlet");
    }

    @Test
    void noPublicNoArgConstructor() {
        AppLoadException e = failure(Hosts.spec(NoDefaultConstructorServlet.class, "", Map.of()));
        assertContains(e.getMessage(), "has no public no-argument constructor",
                "public NoDefaultConstructorServlet() {}");
    }

    @Test
    void initThrowingStopsTheStartWithTheCause() {
        AppLoadException e = failure(Hosts.spec(FailingInitServlet.class, "", Map.of()));
        assertContains(e.getMessage(), "failed in init()", "database url missing");
        assertInstanceOf(ServletException.class, e.getCause());
    }

    @Test
    void missingDependencyIsNamed() throws IOException {
        // the servlet's jar is there, the jar with its base class is not
        String file = DependentServlet.class.getName().replace('.', '/') + ".class";
        Path copy = dir.resolve("classes").resolve(file);
        Files.createDirectories(copy.getParent());
        Files.copy(Hosts.testClasses().resolve(file), copy);
        AppLoadException e = failure(spec(DependentServlet.class.getName(), List.of("classes"), dir));
        assertContains(e.getMessage(), "needs " + AppBaseServlet.class.getName(),
                "which is not on the app's classpath", dir.resolve("classes").toString(),
                "not Malt's libraries");
    }

    @Test
    void servletClassWrittenAsAPath() {
        AppLoadException e = failure(spec("com/example/Hello.class", List.of(), dir));
        assertContains(e.getMessage(), "not a Java class name", "com.example.MyServlet");
    }

    @Test
    void startedAppSeesItsContextAndOnlyTheJdkAndServletApi() throws IOException {
        Files.createDirectories(dir.resolve("static"));
        Files.writeString(dir.resolve("static/a.txt"), "a");
        ServletAppSpec spec = new ServletAppSpec("shop", ContextServlet.class.getName(),
                List.of(Hosts.testClasses().toString()), dir, "/shop/", Map.of("greeting", "hi"));
        try (ServletHost host = Hosts.start(spec)) {
            TestExchange exchange = TestExchange.of(nginx("GET", "/shop/x"));
            host.handle(exchange);
            Map<String, String> r = Hosts.lines(exchange.channel.bodyText());
            assertEquals("shop", r.get("servletName"));
            assertEquals("hi", r.get("greeting"));
            assertEquals("hi", r.get("contextGreeting"));
            assertEquals("shop", r.get("contextName"));
            assertEquals("/shop", r.get("contextPath"));
            assertEquals("6.1", r.get("version"));
            assertTrue(r.get("serverInfo").startsWith("Malt/"), r.get("serverInfo"));
            assertEquals("text/css,application/json,null", r.get("mime"));
            assertEquals(dir.resolve("static/a.txt").toString(), r.get("realPath"));
            assertEquals("null", r.get("escape"));
            assertEquals("true", r.get("resource"));
            assertEquals("[/static/a.txt]", r.get("resourcePaths"));
            assertEquals("true", r.get("tempdir"));
            assertEquals("null", r.get("requestEncoding"), "unset unless the app sets it (bodies still decode as UTF-8)");
            assertEquals("null", r.get("responseEncoding"));
            assertEquals("true", r.get("initTccl"));
            assertEquals("true", r.get("serviceTccl"));
            assertEquals("true", r.get("ownLoader"));
            assertEquals("hidden", r.get("netty"));
            assertEquals("hidden", r.get("slf4j"));
            assertEquals("hidden", r.get("maltInternals"));
            assertEquals("visible,visible,visible", r.get("jdk"));
            assertEquals("visible", r.get("servletApi"));
            assertEquals("true", r.get("servletApiResource"));
            assertEquals("false", r.get("serverResource"));
            assertTrue(r.get("addServlet").contains("already initialized"), r.get("addServlet"));
            assertEquals("1", r.get("attribute"));
        }
    }

    @Test
    void closeCallsDestroyAndRemovesTheTempDir() throws IOException {
        Path marker = dir.resolve("destroyed.txt");
        ServletAppSpec spec = new ServletAppSpec("life", LifecycleServlet.class.getName(),
                List.of(Hosts.testClasses().toString()), dir, "", Map.of("marker", marker.toString()));
        ServletHost host = Hosts.start(spec);
        long tempDirs = countTempDirs("malt-life-");
        assertTrue(tempDirs >= 1);
        host.close();
        host.close(); // idempotent
        assertEquals("destroyed", Files.readString(marker));
        assertEquals(tempDirs - 1, countTempDirs("malt-life-"));
    }

    @Test
    void failedStartLeavesNoTempDir() throws IOException {
        long before = countTempDirs("malt-shop-");
        failure(Hosts.spec(FailingInitServlet.class, "", Map.of()));
        assertEquals(before, countTempDirs("malt-shop-"));
    }

    private static long countTempDirs(String prefix) throws IOException {
        try (Stream<Path> list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        }
    }

    private static byte[] emptyJar() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            jar.putNextEntry(new JarEntry("META-INF/"));
        }
        return bytes.toByteArray();
    }

    /** A jar of the test classes under {@code prefix}. */
    private static byte[] jarOf(String prefix) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Path root = Hosts.testClasses();
        try (JarOutputStream jar = new JarOutputStream(bytes); Stream<Path> walk = Files.walk(root.resolve(prefix))) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                jar.putNextEntry(new JarEntry(root.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, jar);
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
