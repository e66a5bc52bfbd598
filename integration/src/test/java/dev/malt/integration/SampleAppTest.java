package dev.malt.integration;

import dev.malt.integration.support.Apache;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.Frontend;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.TempDirs;
import dev.malt.integration.support.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample app as shipped: {@code apps-available/hello.ini}, enabled through its relative symlink in
 * {@code apps-enabled/}, answers on its own HTTP socket and through nginx and Apache, and stops cleanly
 * on SIGTERM.
 */
@ExtendWith(Diagnostics.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SampleAppTest {

    private static final Pattern SOCKET = Pattern.compile("(?m)^socket\\s*=\\s*(.*)$");
    private static final Pattern HTTP_SOCKET = Pattern.compile("(?m)^http-socket\\s*=\\s*(.*)$");

    @Test
    void appsEnabledHoldsRelativeLinksIntoAppsAvailable() throws IOException {
        Path enabled = Tools.repoRoot().resolve("apps-enabled");
        try (Stream<Path> files = Files.list(enabled)) {
            for (Path link : files.toList()) {
                assertTrue(Files.isSymbolicLink(link), link + " is a symlink");
                Path target = Files.readSymbolicLink(link);
                assertFalse(target.isAbsolute(), link + " -> " + target + " is relative");
                assertTrue(target.startsWith(Path.of("..", "apps-available")), link + " -> " + target + " points into apps-available");
                assertTrue(Files.isRegularFile(link), link + " -> " + target + " resolves");
            }
        }
        assertEquals(Path.of("../apps-available/hello.ini"), Files.readSymbolicLink(enabled.resolve("hello.ini")));
    }

    @Test
    void helloIniServesThroughNginxAndApacheAndStopsOnSigterm() throws IOException {
        Path original = Tools.repoRoot().resolve("apps-available/hello.ini");
        String ini = Files.readString(original, StandardCharsets.UTF_8);
        assertEquals(List.of("127.0.0.1:3031"), values(SOCKET, ini), "hello.ini's uwsgi socket, as the README says");
        assertEquals(List.of("127.0.0.1:8080"), values(HTTP_SOCKET, ini), "hello.ini's HTTP socket, as the README says");

        // The same layout in a scratch directory, with free ports instead of 3031 and 8080 (which may be
        // taken): apps-available/hello.ini, apps-enabled/hello.ini -> ../apps-available/hello.ini, and
        // samples/target/malt-samples.jar, so that hello.ini's %d-relative classpath resolves as in a checkout.
        Endpoint uwsgi = Endpoint.freeTcp();
        Endpoint http = Endpoint.freeTcp();
        Path layout = TempDirs.create("hello-layout");
        try {
            Path available = TempDirs.subdir(layout, "apps-available");
            Path enabled = TempDirs.subdir(layout, "apps-enabled");
            Path jarDir = TempDirs.subdir(TempDirs.subdir(layout, "samples"), "target");
            Files.createSymbolicLink(jarDir.resolve("malt-samples.jar"), Tools.samplesJar());
            Files.createSymbolicLink(layout.resolve("samples/static"), Tools.repoRoot().resolve("samples/static"));
            String copy = SOCKET.matcher(ini).replaceAll("socket = " + uwsgi.iniValue());
            copy = HTTP_SOCKET.matcher(copy).replaceAll("http-socket = " + http.iniValue());
            Files.writeString(available.resolve("hello.ini"), copy, StandardCharsets.UTF_8);
            Path link = enabled.resolve("hello.ini");
            Files.createSymbolicLink(link, Files.readSymbolicLink(Tools.repoRoot().resolve("apps-enabled/hello.ini")));

            try (MaltProcess malt = MaltProcess.builder("hello").ini(link).readyOn(uwsgi, false).start()) {
                assertHello(RawHttp.get("/").send(http), "the http-socket");
                assertStaticCss(RawHttp.get("/static/hello.css").send(http), "the http-socket");
                try (Frontend nginx = Nginx.to(uwsgi).start(); Frontend apache = Apache.to(uwsgi).start()) {
                    assertHello(RawHttp.get("/").send(nginx.endpoint()), "nginx");
                    assertHello(RawHttp.get("/").send(apache.endpoint()), "Apache");
                    assertStaticCss(RawHttp.get("/static/hello.css").send(nginx.endpoint()), "nginx");
                    assertStaticCss(RawHttp.get("/static/hello.css").send(apache.endpoint()), "Apache");
                }

                assertEquals(0, malt.stop(), "exit code after SIGTERM");
                assertEquals(List.of(), malt.strays(), "processes that had to be killed after SIGTERM");
            }
        } finally {
            TempDirs.deleteQuietly(layout);
        }
    }

    @Test
    void shopIniDeploysTheSpringWarAtItsMountPath() throws IOException {
        Path original = Tools.repoRoot().resolve("apps-available/shop.ini");
        String ini = Files.readString(original, StandardCharsets.UTF_8);
        assertEquals(List.of("127.0.0.1:8081"), values(HTTP_SOCKET, ini), "shop.ini's HTTP socket, as its comment says");

        // The checkout's layout again: apps-available/shop.ini and webapps/spring-mvc/target/spring-mvc.war
        Endpoint uwsgi = Endpoint.freeTcp();
        Endpoint http = Endpoint.freeTcp();
        Path layout = TempDirs.create("shop-layout");
        try {
            Path available = TempDirs.subdir(layout, "apps-available");
            Path target = TempDirs.subdir(TempDirs.subdir(TempDirs.subdir(layout, "webapps"), "spring-mvc"), "target");
            Files.createSymbolicLink(target.resolve("spring-mvc.war"), Tools.war("spring-mvc"));
            String copy = SOCKET.matcher(ini).replaceAll("socket = " + uwsgi.iniValue());
            copy = HTTP_SOCKET.matcher(copy).replaceAll("http-socket = " + http.iniValue());
            Files.writeString(available.resolve("shop.ini"), copy + "state-dir = " + layout.resolve("state") + "\n",
                    StandardCharsets.UTF_8);
            try (MaltProcess malt = MaltProcess.builder("shop").ini(available.resolve("shop.ini")).readyOn(uwsgi, false)
                    .start()) {
                HttpResponse page = RawHttp.get("/shop/").send(http);
                assertEquals(200, page.status(), page::toString);
                assertTrue(page.text().contains("<a href=\"/shop/"), page::toString);
                assertEquals(0, malt.stop(), "exit code after SIGTERM");
            }
        } finally {
            TempDirs.deleteQuietly(layout);
        }
    }

    private static void assertHello(HttpResponse response, String via) {
        assertEquals(200, response.status(), () -> "via " + via + ":\n" + response);
        assertEquals("Hello from Malt!\n", response.text(), "via " + via);
        assertTrue(response.header("Content-Type").startsWith("text/plain"), () -> "via " + via + ":\n" + response);
    }

    /** hello.ini's static-map: the sample stylesheet, from the worker, with static-expires' caching headers. */
    private static void assertStaticCss(HttpResponse response, String via) {
        assertEquals(200, response.status(), () -> "via " + via + ":\n" + response);
        assertTrue(response.text().contains("font-family"), () -> "via " + via + ":\n" + response);
        assertEquals("text/css", response.header("Content-Type"), () -> "via " + via + ":\n" + response);
        assertEquals("max-age=3600", response.header("Cache-Control"), () -> "via " + via + ":\n" + response);
    }

    private static List<String> values(Pattern pattern, String ini) {
        Matcher m = pattern.matcher(ini);
        List<String> values = new java.util.ArrayList<>();
        while (m.find()) {
            values.add(m.group(1).trim());
        }
        return values;
    }
}
