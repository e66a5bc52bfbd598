package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.TempDirs;
import dev.malt.integration.support.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static dev.malt.integration.ResponseCacheTest.demo;
import static dev.malt.integration.ResponseCacheTest.get;
import static dev.malt.integration.ResponseCacheTest.runs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * docs/caching.md's setup, as shipped: nginx's uwsgi_cache in front of Malt with
 * {@code packaging/nginx/malt-uwsgi-cache.conf}, Malt's own cache off. nginx keeps what the app marks public, and
 * the app's Set-Cookie, Vary and ETag, and the snippet's bypass of session cookies, keep users apart.
 */
@ExtendWith(Diagnostics.class)
class NginxUwsgiCacheTest {

    @Test
    void nginxCachesWhatTheAppMarksPublicAndNothingPrivate() throws Exception {
        ResponseCacheTest.Demo demo = demo("nginx-cache");
        Endpoint socket = Endpoint.unix(demo.app().path("app.sock"));
        Path cacheDir = TempDirs.create("nginx-uwsgi-cache");
        Files.setPosixFilePermissions(cacheDir, PosixFilePermissions.fromString("rwxrwxrwx")); // nginx's workers
        Path snippet = Tools.repoRoot().resolve("packaging/nginx/malt-uwsgi-cache.conf");
        try (MaltProcess malt = demo.app().option("workers", "2").socket(socket).start();
             Nginx nginx = Nginx.to(socket)
                     .http("uwsgi_cache_path " + cacheDir + " levels=1:2 keys_zone=malt:10m max_size=100m inactive=10m"
                             + " use_temp_path=off;")
                     .location("include " + snippet + ";")
                     .start()) {
            Endpoint site = nginx.endpoint();
            Path counter = demo.counter();

            HttpResponse first = get(site, "/public?max-age=60");
            HttpResponse second = get(site, "/public?max-age=60");
            assertEquals("MISS", first.header("X-Cache-Status"));
            assertEquals("HIT", second.header("X-Cache-Status"));
            assertEquals(first.header("X-Generation"), second.header("X-Generation"));
            assertEquals(1, runs(counter, "/public?max-age=60"));

            HttpResponse revalidate = RawHttp.get("/public?max-age=60").header("If-None-Match", first.header("ETag"))
                    .send(site);
            assertEquals(304, revalidate.status(), "nginx answers a client's If-None-Match from the app's ETag");

            get(site, "/page/plain");
            get(site, "/page/plain");
            assertEquals(2, runs(counter, "/page/plain"), "no Cache-Control from the app: nginx keeps nothing");

            HttpResponse cookieA = get(site, "/public?max-age=60&cookie");
            HttpResponse cookieB = get(site, "/public?max-age=60&cookie");
            assertNotEquals(cookieA.header("Set-Cookie"), cookieB.header("Set-Cookie"),
                    "a response with Set-Cookie is never given to another client");

            HttpResponse anonymous = get(site, "/public?max-age=60&who");
            HttpResponse alice = get(site, "/public?max-age=60&who", "Cookie", "JSESSIONID=alice");
            assertEquals("BYPASS", alice.header("X-Cache-Status"));
            assertNotEquals(anonymous.header("X-Generation"), alice.header("X-Generation"));
            HttpResponse anonymousAgain = get(site, "/public?max-age=60&who");
            assertEquals(anonymous.header("X-Generation"), anonymousAgain.header("X-Generation"),
                    "alice's page did not replace the anonymous one");

            HttpResponse fr = get(site, "/public?max-age=60&lang", "Accept-Language", "fr");
            HttpResponse en = get(site, "/public?max-age=60&lang", "Accept-Language", "en");
            HttpResponse frAgain = get(site, "/public?max-age=60&lang", "Accept-Language", "fr");
            assertEquals("bonjour", fr.text().split(" ")[0]);
            assertEquals("hello", en.text().split(" ")[0], "Vary: Accept-Language keeps the French page from en");
            assertEquals("bonjour", frAgain.text().split(" ")[0]);
        } finally {
            TempDirs.deleteQuietly(cacheDir);
        }
    }
}
