package dev.malt.server.files;

import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ConfigLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** collectstatic over a static-map directory, a .war file and an exploded WAR, in temporary directories. */
class CollectStaticTest {

    private static final String WEB_XML = """
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <servlet><servlet-name>api</servlet-name><servlet-class>x.Api</servlet-class></servlet>
              <servlet-mapping><servlet-name>api</servlet-name><url-pattern>/api/*</url-pattern></servlet-mapping>
              <filter><filter-name>stamp</filter-name><filter-class>x.Stamp</filter-class></filter>
              <filter-mapping><filter-name>stamp</filter-name><url-pattern>/css/*</url-pattern></filter-mapping>
              <security-constraint>
                <web-resource-collection><web-resource-name>p</web-resource-name><url-pattern>/private/*</url-pattern></web-resource-collection>
                <auth-constraint><role-name>admin</role-name></auth-constraint>
              </security-constraint>
            </web-app>
            """;

    @TempDir
    Path tmp;
    Path out;
    final List<String> log = new ArrayList<>();

    @BeforeEach
    void dirs() throws IOException {
        tmp = tmp.toRealPath();
        out = tmp.resolve("out");
    }

    private AppConfig config(String... lines) throws IOException {
        boolean hasApp = java.util.Arrays.stream(lines).anyMatch(l -> l.startsWith("war") || l.startsWith("mount"));
        Files.writeString(tmp.resolve("app.ini"), "[malt]\nsocket = :3031\n" + (hasApp ? "" : "servlet = x.App\n")
                + String.join("\n", lines) + "\n");
        return new ConfigLoader(Map.of(), tmp).load(tmp.resolve("app.ini"));
    }

    private CollectStatic.Summary collect(AppConfig config) throws Exception {
        return new CollectStatic(config, out).run(log::add);
    }

    private Set files() throws IOException {
        try (Stream<Path> all = Files.walk(out)) {
            return new Set(all.filter(Files::isRegularFile).map(p -> out.relativize(p).toString())
                    .filter(p -> !p.equals(CollectStatic.MANIFEST)).collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        }
    }

    /** A sorted set with a readable equals, for assertions. */
    record Set(TreeSet<String> paths) {
    }

    private static Set setOf(String... paths) {
        return new Set(new TreeSet<>(List.of(paths)));
    }

    private Path staticDir() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("static/css"));
        Files.writeString(dir.resolve("app.css"), "static-map's");
        Files.writeString(tmp.resolve("secret.txt"), "SECRET");
        Files.createSymbolicLink(tmp.resolve("static/leak.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(tmp.resolve("static/up"), tmp);
        return tmp.resolve("static");
    }

    private Path war() throws IOException {
        Path war = tmp.resolve("shop.war");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            put(zip, "index.html", "home");
            put(zip, "css/app.css", "the WAR's");
            put(zip, "css/site.css", "site");
            put(zip, "page.jsp", "<%= 1 %>");
            put(zip, "api/data.json", "{}");
            put(zip, "private/report.html", "secret report");
            put(zip, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n");
            put(zip, "WEB-INF/web.xml", WEB_XML);
            put(zip, "WEB-INF/classes/x/Api.class", "not really a class");
            zip.putNextEntry(new ZipEntry("WEB-INF/lib/widgets.jar"));
            zip.write(jar(Map.of("META-INF/resources/widgets/w.js", "widget", "META-INF/resources/css/site.css", "hidden by the WAR's",
                    "x/Widget.class", "code")));
            zip.closeEntry();
        }
        return war;
    }

    private static void put(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private static byte[] jar(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(entries).entrySet()) {
                put(zip, e.getKey(), e.getValue());
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void aWarAtAContextPathIsLaidOutByUrlWithoutWhatTheContainerOwns() throws Exception {
        CollectStatic.Summary summary = collect(config("mount = /shop=shop.war".replace("shop.war", war().toString())));
        assertEquals(setOf("shop/index.html", "shop/css/app.css", "shop/css/site.css", "shop/widgets/w.js"), files());
        assertEquals("site", Files.readString(out.resolve("shop/css/site.css")), "the WAR's root hides its jars");
        assertEquals(4, summary.copied().size());
        String notes = String.join("\n", summary.notes());
        assertTrue(notes.contains("a JSP page"), notes);
        assertTrue(notes.contains("mapped to servlet 'api'"), notes);
        assertTrue(notes.contains("under a security-constraint (/private/*)"), notes);
        assertTrue(notes.contains("filter(s) stamp"), notes);
    }

    @Test
    void staticMapComesFirstAndSymlinksOutAreNotFollowed() throws Exception {
        Path dir = staticDir();
        Files.writeString(tmp.resolve("favicon.ico"), "icon");
        collect(config("static-map = /css=" + dir.resolve("css"), "static-map = /favicon.ico=favicon.ico",
                "static-map = /static=" + dir, "war = " + war()));
        Set files = files();
        assertTrue(files.paths().contains("css/app.css"));
        assertEquals("static-map's", Files.readString(out.resolve("css/app.css")), "static-map is served before the WAR");
        assertTrue(files.paths().contains("favicon.ico"));
        assertTrue(files.paths().contains("static/css/app.css"));
        assertTrue(files.paths().contains("index.html"));
        assertFalse(files.paths().stream().anyMatch(p -> p.contains("leak") || p.contains("secret") || p.startsWith("static/up")),
                files.toString());
        assertFalse(files.paths().stream().anyMatch(p -> p.startsWith("WEB-INF") || p.startsWith("META-INF")), files.toString());
    }

    @Test
    void anExplodedWarAndTheLongestContextWins() throws Exception {
        Path exploded = Files.createDirectories(tmp.resolve("root-war"));
        Files.createDirectories(exploded.resolve("WEB-INF"));
        Files.writeString(exploded.resolve("WEB-INF/web.xml"), "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"/>");
        Files.createDirectories(exploded.resolve("shop"));
        Files.writeString(exploded.resolve("shop/shadowed.css"), "the /shop context answers /shop/*");
        Files.writeString(exploded.resolve("root.css"), "root");
        Files.createSymbolicLink(exploded.resolve("alias.css"), exploded.resolve("root.css"));
        collect(config("war = " + exploded, "mount = /shop=" + war()));
        Set files = files();
        assertTrue(files.paths().contains("root.css"));
        assertTrue(files.paths().contains("alias.css"), "a symlink inside its source is followed");
        assertFalse(files.paths().contains("shop/shadowed.css"), files.toString());
        assertTrue(files.paths().contains("shop/index.html"));
    }

    @Test
    void aSecondRunReplacesChangedFilesAndRemovesStaleOnes() throws Exception {
        Path dir = staticDir();
        Files.writeString(dir.resolve("old.css"), "old");
        AppConfig config = config("static-map = /static=" + dir);
        collect(config);
        Files.writeString(out.resolve("mine.txt"), "the operator's own file");

        Files.delete(dir.resolve("old.css"));
        Files.writeString(dir.resolve("css/app.css"), "changed");
        Files.setLastModifiedTime(dir.resolve("css/app.css"), FileTime.fromMillis(1_000_000_000_000L));
        Files.writeString(dir.resolve("new.css"), "new");
        CollectStatic.Summary second = collect(config);
        assertEquals(List.of("static/old.css"), second.removed());
        assertEquals(new TreeSet<>(List.of("static/css/app.css", "static/new.css")), new TreeSet<>(second.copied()));
        assertEquals(0, second.unchanged());
        assertEquals("changed", Files.readString(out.resolve("static/css/app.css")));
        assertEquals(1_000_000_000_000L, Files.getLastModifiedTime(out.resolve("static/css/app.css")).toMillis(),
                "the copy keeps the source's time: the web server's Last-Modified stays honest");
        assertTrue(Files.exists(out.resolve("mine.txt")), "a file collectstatic did not copy is never removed");
        assertTrue(log.contains("removed static/old.css"), log.toString());

        CollectStatic.Summary third = collect(config);
        assertEquals(List.of(), third.copied());
        assertEquals(2, third.unchanged());
    }

    @Test
    void unsafeTargetsAreRefused() throws Exception {
        Path dir = staticDir();
        AppConfig config = config("static-map = /static=" + dir);
        String inside = assertThrows(CollectStatic.Refused.class,
                () -> new CollectStatic(config, dir.resolve("collected")).run(log::add)).getMessage();
        assertTrue(inside.contains("is inside"), inside);
        assertFalse(Files.exists(dir.resolve("collected")), "nothing is created before the checks");
        String holding = assertThrows(CollectStatic.Refused.class,
                () -> new CollectStatic(config, tmp).run(log::add)).getMessage();
        assertTrue(holding.contains("holds"), holding);
        Path busy = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(busy.resolve("index.html"), "someone's site");
        String foreign = assertThrows(CollectStatic.Refused.class,
                () -> new CollectStatic(config, busy).run(log::add)).getMessage();
        assertTrue(foreign.contains("not empty and was not made by collectstatic"), foreign);
    }

    @Test
    void aCapOnTheNumberOfFiles() throws Exception {
        Path dir = staticDir();
        Files.writeString(dir.resolve("a.txt"), "a");
        String message = assertThrows(CollectStatic.Refused.class,
                () -> new CollectStatic(config("static-map = /static=" + dir), out, 1).run(log::add)).getMessage();
        assertTrue(message.contains("more than 1 files"), message);
    }

    @Test
    void theWebServerLines() throws Exception {
        Path dir = staticDir();
        Files.writeString(tmp.resolve("favicon.ico"), "icon");
        CollectStatic collect = new CollectStatic(config("static-map = /static/=" + dir,
                "static-map = /favicon.ico=favicon.ico", "mount = /shop=" + war()), out);
        String nginx = collect.nginx();
        assertTrue(nginx.contains("location /static/ {\n    alias " + out + "/static/;\n}"), nginx);
        assertTrue(nginx.contains("location = /favicon.ico {\n    alias " + out + "/favicon.ico;\n}"), nginx);
        assertTrue(nginx.contains("location /shop/ {\n    root " + out + ";\n    try_files $uri @malt;\n}"), nginx);
        assertTrue(nginx.contains("location @malt {"), nginx);
        String apache = collect.apache();
        assertTrue(apache.contains("Alias \"/static/\" \"" + out + "/static/\""), apache);
        assertTrue(apache.contains("ProxyPass \"/static/\" \"!\""), apache);
        assertTrue(apache.contains("<Directory \"" + out + "\">\n    Require all granted"), apache);
        assertTrue(apache.contains("RewriteRule \"^/shop/\""), apache);
    }
}
