package dev.malt.integration;

import dev.malt.integration.support.BehindNginx;
import dev.malt.integration.support.Browser;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.Json;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Tools;
import dev.malt.integration.support.Wait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP sessions shared by the two workers of an app, through real nginx: a user who logged in keeps the
 * login and the session when the worker that served them is SIGKILLed, and after a touch-reload replaced
 * every worker; an expired session is destroyed once, by one of the two workers that both sweep.
 *
 * <p>The app is an exploded WAR of the sample jar's {@code SessionServlet} (it answers with its worker's
 * pid) and {@code SessionEventsLog} (one line per session event, in one file for all workers), with
 * FORM login at {@code /staff/*}. Subclasses choose the store.
 */
abstract class SharedSessionsTest {

    /** Written by Apache's {@code htpasswd -B -C 5} for the password "wonder land". */
    private static final String ALICE = "alice:$2y$05$cJvf9.2lz3bA6SeA4l4kVOAyNubJEEl1zWQugXSls/i9PMOHUwt9i";
    private static final Duration SOON = Duration.ofSeconds(60);

    private BehindNginx app;
    private Path events;
    private Path touch;

    /** The store under test: {@code session-store} and what it needs. */
    abstract MaltProcess.Builder withStore(MaltProcess.Builder app);

    abstract String name();

    @BeforeAll
    void start() {
        MaltProcess.Builder builder = MaltProcess.builder(name());
        events = builder.path("session-events.log");
        touch = builder.path("reload.touch");
        Path war = builder.path("war");
        write(war.resolve("WEB-INF/web.xml"), """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.1">
                  <context-param><param-name>session-events-file</param-name><param-value>%s</param-value></context-param>
                  <listener><listener-class>dev.malt.samples.SessionEventsLog</listener-class></listener>
                  <servlet><servlet-name>session</servlet-name><servlet-class>dev.malt.samples.SessionServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>session</servlet-name><url-pattern>/session/*</url-pattern></servlet-mapping>
                  <servlet-mapping><servlet-name>session</servlet-name><url-pattern>/staff/*</url-pattern></servlet-mapping>
                  <security-constraint>
                    <web-resource-collection><web-resource-name>staff</web-resource-name><url-pattern>/staff/*</url-pattern></web-resource-collection>
                    <auth-constraint><role-name>**</role-name></auth-constraint>
                  </security-constraint>
                  <login-config><auth-method>FORM</auth-method><form-login-config>
                    <form-login-page>/login.html</form-login-page><form-error-page>/login.html</form-error-page>
                  </form-login-config></login-config>
                </web-app>
                """.formatted(events));
        write(war.resolve("login.html"), "<form method=post action=j_security_check>login</form>");
        try {
            Files.createDirectories(war.resolve("WEB-INF/lib"));
            Files.copy(Tools.samplesJar(), war.resolve("WEB-INF/lib/malt-samples.jar"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path users = write(builder.path("users.htpasswd"), ALICE + "\n");
        app = BehindNginx.start(withStore(builder
                .option("war", war.toString())
                .option("workers", "2")
                .option("state-dir", builder.path("state").toString()) // not /var/lib/malt: runs stay apart
                .option("session-sweep", "1")
                .option("touch-reload", touch.toString())
                .option("auth-user-file", users.toString())));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> json(HttpResponse response) {
        assertEquals(200, response.status(), response::toString);
        return Json.parseObject(response.text());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> session(Map<String, Object> answer) {
        return (Map<String, Object>) answer.get("session");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attributes(Map<String, Object> answer) {
        return (Map<String, Object>) session(answer).get("attributes");
    }

    private static long pid(Map<String, Object> answer) {
        return ((Number) answer.get("pid")).longValue();
    }

    @Test
    void aLoggedInUserStaysLoggedInWhenTheWorkerThatServedThemIsKilled() throws Exception {
        awaitTwoWorkers();
        Browser browser = app.browser();
        HttpResponse login = browser.get("/staff/get");
        assertTrue(login.text().contains("j_security_check"), login::toString);
        HttpResponse done = browser.form("/j_security_check", "j_username", "alice", "j_password", "wonder land");
        assertEquals(303, done.status(), done::toString);
        assertEquals("alice", json(browser.follow(done)).get("user"));

        Map<String, Object> set = json(browser.get("/session/set?name=cart&value=tea"));
        long served = pid(set);
        String id = (String) session(set).get("id");
        ProcessHandle worker = ProcessHandle.of(served).orElseThrow(() -> new AssertionError("no process " + served));
        worker.destroyForcibly();
        worker.onExit().get(30, TimeUnit.SECONDS);

        Map<String, Object> after = json(browser.get("/staff/get"));
        assertNotEquals(served, pid(after), "the killed worker cannot have answered");
        assertEquals("alice", after.get("user"), "still logged in");
        assertEquals(id, session(after).get("id"));
        assertEquals("tea", attributes(after).get("cart"));
        assertEquals(false, session(after).get("isNew"));
    }

    @Test
    void theSessionSurvivesATouchReload() throws Exception {
        Map<Integer, Long> before = awaitTwoWorkers();
        Browser browser = app.browser();
        Map<String, Object> set = json(browser.get("/session/set?name=cart&value=coffee"));
        String id = (String) session(set).get("id");

        Files.setLastModifiedTime(Files.exists(touch) ? touch : Files.createFile(touch),
                FileTime.from(Instant.now().plusSeconds(1)));
        app.malt().awaitFreshWorkers(2, before.values(), Duration.ofSeconds(120));

        Map<String, Object> after = json(browser.get("/session/get"));
        assertFalse(before.containsValue(pid(after)), "a new worker answered");
        assertEquals(id, session(after).get("id"));
        assertEquals("coffee", attributes(after).get("cart"));
    }

    @Test
    void anExpiredSessionIsDestroyedOnceThoughBothWorkersSweep() throws IOException {
        Set<Long> workers = new HashSet<>(awaitTwoWorkers().values());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(newSessionExpiringInASecond());
        }
        for (String id : ids) {
            awaitDestroyed(id);
        }
        // Sessions that expire later, until each of the two workers has destroyed one: both swept after
        // the first ones were gone, and neither destroyed those again.
        Set<Long> sweepers = new HashSet<>();
        List<String> later = new ArrayList<>();
        for (int i = 0; i < 30 && !sweepers.equals(workers); i++) {
            String id = newSessionExpiringInASecond();
            later.add(id);
            sweepers.add(awaitDestroyed(id));
        }
        assertEquals(workers, sweepers, "both workers destroy sessions; events:\n" + Files.readString(events));

        List<String> lines = Files.readAllLines(events);
        for (String id : ids) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith("destroyed " + id + " ")).count(),
                    () -> "one sessionDestroyed for " + id + ":\n" + String.join("\n", lines));
            assertEquals(1, lines.stream().filter(l -> l.startsWith("created " + id + " ")).count());
        }
        for (String id : later) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith("destroyed " + id + " ")).count(),
                    () -> "one sessionDestroyed for " + id + ":\n" + String.join("\n", lines));
        }
    }

    private String newSessionExpiringInASecond() {
        Map<String, Object> set = json(app.browser().get("/session/set?name=n&value=1&timeout=1"));
        assertEquals(1L, ((Number) session(set).get("maxInactive")).longValue());
        return (String) session(set).get("id");
    }

    /** Waits for the session's sessionDestroyed line; returns the pid of the worker that wrote it. */
    private long awaitDestroyed(String id) {
        String[] line = new String[1];
        Wait.until(SOON, () -> {
            try {
                line[0] = Files.exists(events) ? Files.readAllLines(events).stream()
                        .filter(l -> l.startsWith("destroyed " + id + " ")).findFirst().orElse(null) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return line[0] != null;
        }, () -> "session " + id + " was never destroyed; events:\n" + read(events) + "\nlast lines:\n"
                + app.malt().outputTail(30));
        return Long.parseLong(line[0].substring(line[0].lastIndexOf(' ') + 1));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no " + file + ")";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private Map<Integer, Long> awaitTwoWorkers() {
        Map<Integer, Long>[] ready = new Map[1];
        Wait.until(Duration.ofSeconds(120), () -> (ready[0] = app.malt().readyWorkers()).size() == 2,
                () -> "two workers never accepted; last lines:\n" + app.malt().outputTail(30));
        return ready[0];
    }
}
