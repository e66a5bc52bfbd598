package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.TempDirs;
import dev.malt.integration.support.Wait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * static-map through real nginx (uwsgi_pass to a unix socket) and on the app's own http-socket: files
 * with their validators and caching headers, 304 and ranges answered by the worker itself, traversal
 * attempts refused, and files served while the app's only thread is busy. The app is ProbeServlet, which
 * answers 200 for any path it does not know: a file that leaked would show, and so would the app.
 */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StaticFilesTest {

    private static final String SECRET = "SECRET-OUTSIDE-THE-STATIC-DIRECTORY";

    private Path files;
    private Path site;
    private byte[] image;
    private MaltProcess malt;
    private Nginx nginx;
    private Endpoint http;

    @BeforeAll
    void start() throws IOException {
        files = TempDirs.create("static-files");
        site = TempDirs.subdir(files, "static");
        TempDirs.subdir(site, "css");
        Files.writeString(site.resolve("css/app.css"), "body { color: teal }\n");
        image = new byte[300_000];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 7);
        }
        Files.write(site.resolve("logo.png"), image);
        Files.writeString(files.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(site.resolve("leak.txt"), files.resolve("secret.txt"));

        MaltProcess.Builder app = MaltProcess.probe("static");
        Endpoint socket = Endpoint.unix(app.path("app.sock"));
        http = Endpoint.freeTcp();
        malt = app.socket(socket).httpSocket(http).option("threads", "2")
                .option("static-map", "/static=" + site)
                .option("static-expires", "\\.css$ 3600")
                .start();
        nginx = Nginx.to(socket).start();
    }

    @AfterAll
    void stop() {
        try {
            if (nginx != null) {
                nginx.close();
            }
        } finally {
            if (malt != null) {
                malt.close();
            }
            TempDirs.deleteQuietly(files);
        }
    }

    private HttpResponse viaNginx(RawHttp request) {
        return request.send(nginx.endpoint());
    }

    @Test
    void aFileWithItsValidatorsAndCachingHeaders() {
        HttpResponse r = viaNginx(RawHttp.get("/static/css/app.css"));
        assertEquals(200, r.status(), r::toString);
        assertEquals("body { color: teal }\n", r.text());
        assertEquals("text/css", r.header("Content-Type"));
        assertTrue(r.header("ETag").startsWith("W/\"21-"), r::toString);
        assertNotNull(r.header("Last-Modified"), r::toString);
        assertEquals("max-age=3600", r.header("Cache-Control"), "static-expires matched the file's path");
        assertNotNull(r.header("Expires"), r::toString);
        malt.awaitOutputLine(Duration.ofSeconds(10), "GET /static/css/app.css", "generated 21 bytes", "200)");

        HttpResponse png = viaNginx(RawHttp.get("/static/logo.png"));
        assertEquals("image/png", png.header("Content-Type"));
        assertArrayEquals(image, png.body());
        assertEquals(null, png.header("Cache-Control"), "no static-expires rule matches a .png");
    }

    @Test
    void conditionalRequestsGet304FromTheWorker() {
        HttpResponse first = viaNginx(RawHttp.get("/static/css/app.css"));
        HttpResponse byTag = viaNginx(RawHttp.get("/static/css/app.css?tag").header("If-None-Match", first.header("ETag")));
        assertEquals(304, byTag.status(), byTag::toString);
        assertEquals(0, byTag.bodyLength());
        HttpResponse byDate = viaNginx(RawHttp.get("/static/css/app.css?date")
                .header("If-Modified-Since", first.header("Last-Modified")));
        assertEquals(304, byDate.status(), byDate::toString);
        malt.awaitOutputLine(Duration.ofSeconds(10), "GET /static/css/app.css?tag", "304)");
    }

    @Test
    void rangesGet206And416() {
        HttpResponse part = viaNginx(RawHttp.get("/static/logo.png?range").header("Range", "bytes=1000-1999"));
        assertEquals(206, part.status(), part::toString);
        assertEquals("bytes 1000-1999/" + image.length, part.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(image, 1000, 2000), part.body());
        malt.awaitOutputLine(Duration.ofSeconds(10), "GET /static/logo.png?range", "generated 1000 bytes", "206)");

        HttpResponse none = viaNginx(RawHttp.get("/static/logo.png").header("Range", "bytes=" + image.length + "-"));
        assertEquals(416, none.status(), none::toString);
        assertEquals("bytes */" + image.length, none.header("Content-Range"));
    }

    @Test
    void headGivesTheLengthWithoutTheBytes() {
        HttpResponse head = viaNginx(RawHttp.request("HEAD", "/static/logo.png"));
        assertEquals(200, head.status(), head::toString);
        assertEquals(Integer.toString(image.length), head.header("Content-Length"));
        assertEquals(0, head.bodyLength());
    }

    @Test
    void whatIsNotAFileReachesTheApp() {
        HttpResponse missing = viaNginx(RawHttp.get("/static/missing.css"));
        assertTrue(missing.text().startsWith("ProbeServlet routes:"), missing::toString);
        HttpResponse directory = viaNginx(RawHttp.get("/static/css/"));
        assertTrue(directory.text().startsWith("ProbeServlet routes:"), "no listing: " + directory);
    }

    /**
     * Attempts that stay below /static once nginx has decoded them: the worker refuses them itself. (nginx
     * may refuse some first, with 400; either way no byte of the secret comes back.)
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "/static/leak.txt",                       // a symlink out of the directory
            "/static/%252e%252e/secret.txt",          // double encoding
            "/static/%252e%252e%252fsecret.txt",
            "/static/%c0%ae%c0%ae/secret.txt",        // overlong UTF-8 dots
            "/static/..%5csecret.txt",                // a backslash
            "/static/%5c..%5csecret.txt",
            "/static/css/app.css%00.png",             // NUL
    })
    void attemptsBelowThePrefixAreRefused(String target) {
        HttpResponse r = viaNginx(RawHttp.get(target));
        assertTrue(r.status() == 403 || r.status() == 400, () -> target + " via nginx:\n" + r);
        assertFalse(r.text().contains(SECRET), r::toString);
        HttpResponse direct = RawHttp.get(target).send(http);
        assertTrue(direct.status() == 403 || direct.status() == 400, () -> target + " on the http-socket:\n" + direct);
        assertFalse(direct.text().contains(SECRET), direct::toString);
    }

    /**
     * Dot segments, encoded or not: nginx resolves them before Malt sees the path (so the app answers
     * for a path outside /static, or nginx refuses one above the root); the http-socket decodes without
     * resolving, and the worker refuses.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "/static/../secret.txt",
            "/static/%2e%2e/secret.txt",
            "/static/..%2fsecret.txt",
            "/static/..%2f..%2f" + "secret.txt",
            "/static/css/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    })
    void dotSegmentsNeverReachAFileOutside(String target) {
        HttpResponse r = viaNginx(RawHttp.get(target));
        assertFalse(r.text().contains(SECRET), () -> target + " via nginx:\n" + r);
        assertTrue(r.status() == 400 || r.text().startsWith("ProbeServlet routes:"), () -> target + " via nginx:\n" + r);
        HttpResponse direct = RawHttp.get(target).send(http);
        assertEquals(403, direct.status(), () -> target + " on the http-socket:\n" + direct);
        assertFalse(direct.text().contains(SECRET));
    }

    /** Its own app: the request that holds the one thread is only ended by the app's stop. */
    @Test
    @SuppressWarnings("unchecked")
    void filesAreServedWhileTheOnlyAppThreadIsBusy() {
        MaltProcess.Builder app = MaltProcess.probe("static-busy");
        Endpoint socket = Endpoint.unix(app.path("app.sock"));
        try (MaltProcess busy = app.socket(socket).option("threads", "1").option("static-map", "/static=" + site)
                .option("reload-mercy", "1").option("worker-reload-mercy", "1").start();
             Nginx front = Nginx.to(socket).start()) {
            CompletableFuture<HttpResponse> sleeping = CompletableFuture.supplyAsync(() ->
                    RawHttp.get("/sleep?ms=120000").timeout(Duration.ofSeconds(150)).send(front.endpoint()));
            Wait.until(Duration.ofSeconds(30), () -> {
                List<Object> workers = (List<Object>) busy.status().get("workers");
                return workers.stream().anyMatch(w -> ((Number) ((Map<String, Object>) w).get("busy")).intValue() > 0);
            }, () -> "the worker should report its one thread busy: " + busy.status());
            for (int i = 0; i < 20; i++) {
                HttpResponse r = RawHttp.get("/static/logo.png?busy=" + i).timeout(Duration.ofSeconds(10))
                        .send(front.endpoint());
                assertEquals(200, r.status(), r::toString);
                assertArrayEquals(image, r.body());
            }
            assertFalse(sleeping.isDone(), "the app request still holds the thread");
        }
    }
}
