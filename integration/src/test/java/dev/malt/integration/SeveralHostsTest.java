package dev.malt.integration;

import dev.malt.integration.support.Browser;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.FreePorts;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.Json;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Redis;
import dev.malt.integration.support.TestHosts;
import dev.malt.integration.support.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An app that outgrew one machine: two Malt hosts, each in its own network namespace (its own address and
 * loopback, as a second machine would have), behind one nginx {@code upstream}, sharing one Redis for
 * sessions ({@code session-store}) and the response cache ({@code cache-backend}). Each host keeps its own
 * state directory, so nothing is shared through the file system.
 */
@ExtendWith(Diagnostics.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SeveralHostsTest {

    /** Written by Apache's {@code htpasswd -B -C 5} for the password "wonder land". */
    private static final String ALICE = "alice:$2y$05$cJvf9.2lz3bA6SeA4l4kVOAyNubJEEl1zWQugXSls/i9PMOHUwt9i";

    @Test
    void aLoginAndACachedPageAreSharedByTwoHostsAndOutliveTheHostThatMadeThem() throws Exception {
        Path base = Files.createTempDirectory("malt-hosts-");
        Path war = sharedWar(base);
        Path counter = base.resolve("generations.log");
        Files.writeString(war.resolve("WEB-INF/web.xml"), Files.readString(war.resolve("WEB-INF/web.xml"))
                .replace("COUNTER", counter.toString()));
        try (TestHosts hosts = TestHosts.create(2);
             Redis redis = Redis.start(hosts.host(0).gateway(), hosts.host(1).gateway())) {
            int port = FreePorts.next();
            int statsPort = FreePorts.next();
            Endpoint a = hosts.host(0).endpoint(port);
            Endpoint b = hosts.host(1).endpoint(port);
            MaltProcess.Builder appA = host(hosts.host(0), a, statsPort, "host-a", war, redis, base);
            MaltProcess.Builder appB = host(hosts.host(1), b, statsPort, "host-b", war, redis, base);
            // Host B is not up yet: nginx finds its port closed and sends everything to A.
            try (MaltProcess hostA = appA.start();
                 Nginx nginx = Nginx.to(a).upstreamServer(b, "max_fails=0")
                         .location("uwsgi_next_upstream error timeout;").start()) {
                Browser browser = new Browser(nginx.endpoint());
                HttpResponse login = browser.get("/staff/get");
                assertTrue(login.text().contains("j_security_check"), login::toString);
                HttpResponse done = browser.form("/j_security_check", "j_username", "alice", "j_password", "wonder land");
                assertEquals(303, done.status(), done::toString);
                Map<String, Object> first = json(browser.follow(done));
                assertEquals("alice", first.get("user"));
                long servedByA = ((Number) first.get("pid")).longValue();
                assertTrue(hostA.children().stream().anyMatch(p -> p.pid() == servedByA), "host A logged alice in");

                try (MaltProcess hostB = appB.start()) {
                    // The first requests for a page, at once from many clients across both hosts: one generation.
                    List<String> generations = fetchAtOnce(nginx.endpoint(), "/cache/page/front", 8);
                    for (int i = 0; i < 12; i++) {
                        HttpResponse page = RawHttp.get("/cache/page/front").send(nginx.endpoint());
                        assertEquals(200, page.status(), page::toString);
                        generations.add(page.header("X-Generation"));
                    }
                    assertEquals(1, new HashSet<>(generations).size(), () -> "one generation for both hosts: "
                            + generations);
                    assertEquals(1, Files.readAllLines(counter).size(), () -> "the app ran once: " + read(counter));
                    assertTrue(cacheHits(hosts.host(0), statsPort) > 0, "host A served the page from the cache");
                    assertTrue(cacheHits(hosts.host(1), statsPort) > 0, "host B served the page from the cache");

                    assertEquals(0, hostA.stop(), () -> hostA.outputTail(30));
                    Map<String, Object> after = json(browser.get("/staff/get"));
                    long servedByB = ((Number) after.get("pid")).longValue();
                    assertTrue(hostB.children().stream().anyMatch(p -> p.pid() == servedByB),
                            "host B answers once A is gone");
                    assertEquals("alice", after.get("user"), "alice is still logged in on host B");
                    HttpResponse page = RawHttp.get("/cache/page/front").send(nginx.endpoint());
                    assertEquals(generations.get(0), page.header("X-Generation"), "B serves A's page from Redis");
                }
            }
        } finally {
            dev.malt.integration.support.TempDirs.deleteQuietly(base);
        }
    }

    private static MaltProcess.Builder host(TestHosts.Host host, Endpoint socket, int statsPort, String name, Path war,
                                            Redis redis, Path base) throws IOException {
        Path users = base.resolve("users.htpasswd");
        if (!Files.exists(users)) {
            Files.writeString(users, ALICE + "\n");
        }
        return MaltProcess.builder(name).through(host.exec())
                .socket(socket)
                .option("name", "shop") // one app on two machines: the same name keys its entries in Redis
                .option("workers", "2")
                .option("war", war.toString())
                .option("state-dir", base.resolve(name + "-state").toString())
                .option("auth-user-file", users.toString())
                .option("session-store", redis.url(host.gateway(), 3))
                .option("cache-backend", redis.url(host.gateway(), 0))
                .option("cache-route", "^/cache/page/ 60")
                .option("stats", host.address() + ":" + statsPort);
    }

    /** An exploded WAR: the session servlet behind FORM login at /staff/*, and the cache demo at /cache/*. */
    private static Path sharedWar(Path base) throws IOException {
        Path war = base.resolve("war");
        Files.createDirectories(war.resolve("WEB-INF/lib"));
        Files.writeString(war.resolve("WEB-INF/web.xml"), """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.1">
                  <servlet><servlet-name>session</servlet-name><servlet-class>dev.malt.samples.SessionServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>session</servlet-name><url-pattern>/staff/*</url-pattern></servlet-mapping>
                  <servlet>
                    <servlet-name>cache</servlet-name><servlet-class>dev.malt.samples.CacheDemoServlet</servlet-class>
                    <init-param><param-name>counter-file</param-name><param-value>COUNTER</param-value></init-param>
                  </servlet>
                  <servlet-mapping><servlet-name>cache</servlet-name><url-pattern>/cache/*</url-pattern></servlet-mapping>
                  <security-constraint>
                    <web-resource-collection><web-resource-name>staff</web-resource-name><url-pattern>/staff/*</url-pattern></web-resource-collection>
                    <auth-constraint><role-name>**</role-name></auth-constraint>
                  </security-constraint>
                  <login-config><auth-method>FORM</auth-method><form-login-config>
                    <form-login-page>/login.html</form-login-page><form-error-page>/login.html</form-error-page>
                  </form-login-config></login-config>
                </web-app>
                """);
        Files.writeString(war.resolve("login.html"), "<form method=post action=j_security_check>login</form>");
        Files.copy(Tools.samplesJar(), war.resolve("WEB-INF/lib/malt-samples.jar"));
        return war;
    }

    private static List<String> fetchAtOnce(Endpoint nginx, String target, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<HttpResponse>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> RawHttp.get(target).send(nginx)));
            }
            List<String> generations = new ArrayList<>();
            for (Future<HttpResponse> answer : answers) {
                HttpResponse response = answer.get(60, TimeUnit.SECONDS);
                assertEquals(200, response.status(), response::toString);
                generations.add(response.header("X-Generation"));
            }
            return generations;
        } finally {
            pool.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    private static long cacheHits(TestHosts.Host host, int statsPort) throws IOException {
        try (Socket socket = new Socket(host.address(), statsPort)) {
            socket.setSoTimeout(10_000);
            Map<String, Object> stats = Json.parseObject(new String(socket.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8));
            Map<String, Object> cache = (Map<String, Object>) stats.get("cache");
            assertTrue(cache != null, () -> "no cache in the stats of " + host + ": " + stats);
            return ((Number) cache.get("hits")).longValue();
        }
    }

    private static Map<String, Object> json(HttpResponse response) {
        assertEquals(200, response.status(), response::toString);
        return Json.parseObject(response.text());
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(none)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
