package dev.malt.integration;

import dev.malt.integration.support.BehindNginx;
import dev.malt.integration.support.Browser;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.Json;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Tools;
import dev.malt.integration.support.WarEntries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A third-party WAR, unchanged from Maven Central: the Hawtio management console
 * ({@code io.hawt:hawtio-war}), mounted at {@code /hawtio} as its docs deploy it. A chain of filters
 * sets security headers, sends the single-page app's client routes to index.html (a forward) and
 * rewrites its {@code <base href>} to the context path; the Jolokia agent servlet serves the worker's
 * JMX over HTTP. Authentication is turned off the way an operator does it, with
 * {@code jvm-options = -Dhawtio.authenticationEnabled=false}; without it, Jolokia answers 403.
 */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HawtioWarTest {

    private static final Pattern MAIN_SCRIPT = Pattern.compile("<script defer=\"defer\" src=\"/hawtio/(static/js/main\\.[0-9a-f]+\\.js)\">");

    private BehindNginx app;

    @BeforeAll
    void start() {
        app = BehindNginx.start(hawtio("hawtio").option("jvm-options", "-Dhawtio.authenticationEnabled=false"));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static MaltProcess.Builder hawtio(String name) {
        return MaltProcess.builder(name).option("mount", "/hawtio=" + Tools.war("hawtio")).option("workers", "1");
    }

    @Test
    void contextRootWithoutSlashRedirectsToIt() {
        HttpResponse answer = app.get("/hawtio");

        assertEquals(302, answer.status(), answer::toString);
        assertEquals("/hawtio/", Browser.locationTarget(answer), answer::toString);
    }

    @Test
    void consolePageHasItsBaseHrefAndSecurityHeaders() {
        HttpResponse index = app.get("/hawtio/");
        String html = index.text();

        assertEquals(200, index.status(), index::toString);
        assertTrue(index.header("Content-Type").startsWith("text/html"), index::toString);
        assertTrue(html.contains("<title>Hawtio</title>"), index::toString);
        assertTrue(html.contains("<base href=\"/hawtio/\">"), index::toString);
        assertTrue(MAIN_SCRIPT.matcher(html).find(), index::toString);
        // One header per filter of the WAR's chain.
        assertEquals("DENY", index.header("X-Frame-Options"), index::toString);
        assertEquals("nosniff", index.header("X-Content-Type-Options"), index::toString);
        assertEquals("1", index.header("X-XSS-Protection"), index::toString);
        assertEquals("strict-origin", index.header("Referrer-Policy"), index::toString);
        assertTrue(index.header("Content-Security-Policy").startsWith("default-src 'self';"), index::toString);
        assertTrue(index.header("Cache-Control").contains("no-cache"), index::toString);
    }

    @Test
    void clientRouteIsForwardedToTheConsolePage() {
        // A bookmark of the single-page app's JMX view: ClientRouteRedirectFilter forwards it to index.html,
        // and BaseTagHrefFilter (mapped for FORWARD too) rewrites the page on the way.
        HttpResponse page = app.get("/hawtio/jmx/attributes");

        assertEquals(200, page.status(), page::toString);
        assertTrue(page.text().contains("<base href=\"/hawtio/\">"), page::toString);
        assertTrue(page.text().contains("<title>Hawtio</title>"), page::toString);
    }

    @Test
    void applicationScriptAndConfigAreServedAsInTheWar() {
        Matcher script = MAIN_SCRIPT.matcher(app.get("/hawtio/").text());
        assertTrue(script.find());
        HttpResponse js = app.get("/hawtio/" + script.group(1));
        assertEquals(200, js.status(), js::toString);
        assertTrue(js.header("Content-Type").contains("javascript"), js::toString);
        assertArrayEquals(WarEntries.read(Tools.war("hawtio"), script.group(1)), js.body(), "the script, byte for byte");

        HttpResponse config = app.get("/hawtio/hawtconfig.json");
        assertEquals(200, config.status(), config::toString);
        assertTrue(config.header("Content-Type").startsWith("application/json"), config::toString);
        Map<?, ?> branding = (Map<?, ?>) Json.parseObject(config.text()).get("branding");
        assertEquals("Hawtio Management Console", branding.get("appName"), config::toString);

        HttpResponse logo = app.get("/hawtio/img/hawtio-logo.svg");
        assertEquals(200, logo.status(), logo::toString);
        assertTrue(logo.header("Content-Type").startsWith("image/svg+xml"), logo::toString);
    }

    @Test
    void consoleServletsAnswerForAnAnonymousUser() {
        HttpResponse user = app.get("/hawtio/user");
        assertEquals(200, user.status(), user::toString);
        assertEquals("\"public\"", user.text().trim(), () -> "no login when authentication is off:\n" + user);

        HttpResponse plugins = app.get("/hawtio/plugin");
        assertEquals(200, plugins.status(), plugins::toString);
        assertEquals(List.of(), Json.parse(plugins.text()), plugins::toString);

        HttpResponse keycloak = app.get("/hawtio/keycloak/enabled");
        assertEquals(200, keycloak.status(), keycloak::toString);
        assertEquals("false", keycloak.text().trim(), keycloak::toString);

        HttpResponse timeout = app.get("/hawtio/auth/config/session-timeout");
        assertEquals(200, timeout.status(), timeout::toString);
        assertEquals(1800L, Json.parseObject(timeout.text()).get("timeout"), timeout::toString);
    }

    @Test
    void jolokiaReadsTheWorkersJmx() {
        HttpResponse version = app.get("/hawtio/jolokia/version");
        assertEquals(200, version.status(), version::toString);
        assertTrue(version.header("Content-Type").startsWith("application/json"), version::toString);
        Map<String, Object> v = Json.parseObject(version.text());
        assertEquals(200L, v.get("status"), version::toString);
        Map<?, ?> config = (Map<?, ?>) ((Map<?, ?>) v.get("value")).get("config");
        assertEquals("qualifier=hawtio", config.get("mbeanQualifier"), () -> "the servlet's web.xml init-param:\n" + version);

        // The JVM whose MBeans Jolokia reads is the app's worker, not the master.
        HttpResponse pid = app.get("/hawtio/jolokia/read/java.lang:type=Runtime/Pid");
        assertEquals(200, pid.status(), pid::toString);
        long workerPid = (Long) Json.parseObject(pid.text()).get("value");
        List<Long> workers = app.malt().children().stream().map(ProcessHandle::pid).toList();
        assertTrue(workers.contains(workerPid), () -> "pid " + workerPid + " is one of Malt's workers " + workers);
    }

    @Test
    void jolokiaBulkPostRunsEveryRequest() {
        String body = "[{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"},"
                + "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"},"
                + "{\"type\":\"search\",\"mbean\":\"java.lang:type=GarbageCollector,*\"}]";
        HttpResponse answer = RawHttp.post("/hawtio/jolokia/").body("application/json", body).send(app.endpoint());

        assertEquals(200, answer.status(), answer::toString);
        List<?> results = (List<?>) Json.parse(answer.text());
        assertEquals(3, results.size(), answer::toString);
        for (Object result : results) {
            assertEquals(200L, ((Map<?, ?>) result).get("status"), answer::toString);
        }
        assertTrue(((Long) ((Map<?, ?>) results.get(0)).get("value")) > 0, answer::toString);
        assertTrue(!((List<?>) ((Map<?, ?>) results.get(2)).get("value")).isEmpty(), answer::toString);
    }

    @Test
    void corsPreflightIsAnsweredByTheWarsFilter() {
        HttpResponse answer = RawHttp.request("OPTIONS", "/hawtio/jolokia/")
                .header("Origin", "http://console.example")
                .header("Access-Control-Request-Method", "POST")
                .send(app.endpoint());

        assertEquals(200, answer.status(), answer::toString);
        assertEquals("http://console.example", answer.header("Access-Control-Allow-Origin"), answer::toString);
        assertNotNull(answer.header("Access-Control-Max-Age"), answer::toString);
    }

    @Test
    void withoutTheOperatorsJvmOptionJolokiaIsForbidden() {
        try (BehindNginx secured = BehindNginx.start(hawtio("hawtio-secured"))) {
            HttpResponse jolokia = secured.get("/hawtio/jolokia/version");
            assertEquals(403, jolokia.status(), jolokia::toString);

            HttpResponse user = secured.get("/hawtio/user");
            assertEquals(403, user.status(), user::toString);

            // A new user is sent to the console's login page, which the single-page app draws.
            HttpResponse console = secured.get("/hawtio/");
            assertEquals(302, console.status(), console::toString);
            assertEquals("/hawtio/login", Browser.locationTarget(console), console::toString);
            HttpResponse login = secured.get("/hawtio/login");
            assertEquals(200, login.status(), login::toString);
            assertTrue(login.text().contains("<base href=\"/hawtio/\">"), login::toString);

            HttpResponse wrong = RawHttp.post("/hawtio/auth/login")
                    .body("application/json", "{\"username\":\"admin\",\"password\":\"guess\"}").send(secured.endpoint());
            assertEquals(403, wrong.status(), () -> "no JAAS realm is configured, so no login succeeds:\n" + wrong);
        }
    }
}
