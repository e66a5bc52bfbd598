package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Tools;
import dev.malt.integration.support.Wait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.malt.integration.ResponseCacheTest.runs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under the emperor each app's master owns its own cache: entries survive a reload of the app when its cache
 * settings stay, a changed store starts empty, and {@code malt cache purge NAME} reaches the right app.
 */
@ExtendWith(Diagnostics.class)
class EmperorCacheTest {

    private static final Duration UP = Duration.ofSeconds(90);

    @Test
    void eachAppsCacheLivesInItsMasterAcrossReloads() throws Exception {
        MaltProcess.Builder builder = MaltProcess.builder("emperor-cache");
        Path enabled = Files.createDirectories(builder.path("apps-enabled"));
        Path counter = builder.path("runs.txt");
        Endpoint pagesHttp = Endpoint.freeTcp();
        Path pages = enabled.resolve("pages.ini");
        Files.writeString(pages, ini(pagesHttp, counter, "cache-route = ^/page/ 300\n"));
        Endpoint plainHttp = Endpoint.freeTcp();
        Files.writeString(enabled.resolve("plain.ini"), ini(plainHttp, builder.path("plain.txt"), ""));

        try (MaltProcess emperor = builder.emperor(enabled).startUnready()) {
            awaitServing(emperor, "pages", 2);
            awaitServing(emperor, "plain", 2);
            String made = get(pagesHttp, "/page/a").header("X-Generation");
            assertEquals(made, get(pagesHttp, "/page/a").header("X-Generation"));
            assertEquals(1, runs(counter, "/page/a"));

            // a reload (the INI touched, the same cache settings): new workers, the same entries
            List<Long> before = emperor.readyWorkersOf("pages");
            Files.writeString(pages, ini(pagesHttp, counter, "cache-route = ^/page/ 300\n; touched\n"));
            awaitFresh(emperor, "pages", before);
            assertEquals(made, get(pagesHttp, "/page/a").header("X-Generation"), "the master kept the entry");
            assertEquals(1, runs(counter, "/page/a"));

            MaltProcess.CliResult purged = MaltProcess.cli("cache", "purge", "pages");
            assertEquals(0, purged.exitCode(), purged::toString);
            assertEquals("purged 1 cached response of pages", purged.stdout().strip());
            String remade = get(pagesHttp, "/page/a").header("X-Generation");
            assertNotEquals(made, remade);
            MaltProcess.CliResult none = MaltProcess.cli("cache", "purge", "plain");
            assertEquals(1, none.exitCode(), none::toString);
            assertTrue(none.stderr().contains("app plain has no response cache"), none::toString);

            // another store size: a new, empty store
            List<Long> again = emperor.readyWorkersOf("pages");
            Files.writeString(pages, ini(pagesHttp, counter, "cache-route = ^/page/ 300\ncache-size = 32m\n"));
            awaitFresh(emperor, "pages", again);
            assertNotEquals(remade, get(pagesHttp, "/page/a").header("X-Generation"));
            assertEquals(3, runs(counter, "/page/a"));
        }
    }

    private static String ini(Endpoint http, Path counter, String extra) {
        return "[malt]\nhttp-socket = " + http.iniValue() + "\nservlet = dev.malt.samples.CacheDemoServlet\n"
                + "classpath = " + Tools.samplesJar() + "\ninit-param = counter-file=" + counter + "\n"
                + "workers = 2\n" + extra;
    }

    private static HttpResponse get(Endpoint http, String target) {
        HttpResponse response = RawHttp.get(target).timeout(Duration.ofSeconds(30)).send(http);
        assertEquals(200, response.status(), response::toString);
        return response;
    }

    private static void awaitServing(MaltProcess emperor, String app, int workers) {
        Wait.until(UP, Duration.ofMillis(100), () -> emperor.readyWorkersOf(app).size() == workers,
                () -> app + " never had " + workers + " ready worker(s): " + emperor.appStatus(app)
                        + "\nlast lines:\n" + emperor.outputTail(30));
    }

    private static void awaitFresh(MaltProcess emperor, String app, List<Long> old) {
        Wait.until(UP, Duration.ofMillis(100), () -> {
            List<Long> now = emperor.readyWorkersOf(app);
            return now.size() == old.size() && now.stream().noneMatch(old::contains)
                    && ((List<?>) emperor.appStatus(app).get("workers")).size() == old.size();
        }, () -> app + " was not reloaded: " + emperor.appStatus(app) + "\nlast lines:\n" + emperor.outputTail(30));
    }
}
