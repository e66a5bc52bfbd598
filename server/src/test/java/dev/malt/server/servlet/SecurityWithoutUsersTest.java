package dev.malt.server.servlet;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.malt.server.servlet.apps.security.ProgrammaticServlet;
import dev.malt.server.servlet.apps.security.WhoServlet;
import dev.malt.server.servlet.auth.UserFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import static dev.malt.server.servlet.SecurityFixtures.ALICE_PASSWORD;
import static dev.malt.server.servlet.SecurityFixtures.basic;
import static dev.malt.server.servlet.SecurityFixtures.request;
import static dev.malt.server.servlet.SecurityFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an app with constraints gets when the operator gave it no users, or when it asks for a
 * mechanism Malt lacks: protected URLs are never served unprotected, and the log says what to do.
 */
class SecurityWithoutUsersTest {

    @TempDir
    Path dir;

    private final Logger appLog = (Logger) LoggerFactory.getLogger("malt.app.bare");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private ExecutorService executor;

    @BeforeEach
    void captureLogs() {
        logs.start();
        appLog.addAppender(logs);
        executor = SecurityFixtures.executor();
    }

    @AfterEach
    void release() {
        appLog.detachAppender(logs);
        executor.shutdownNow();
    }

    private ServletHost host(String authMethod, UserFiles users) throws Exception {
        Path war = new ExplodedWar().webXml("""
                <servlet><servlet-name>who</servlet-name>
                  <servlet-class>dev.malt.server.servlet.apps.security.WhoServlet</servlet-class></servlet>
                <servlet><servlet-name>prog</servlet-name>
                  <servlet-class>dev.malt.server.servlet.apps.security.ProgrammaticServlet</servlet-class></servlet>
                <servlet-mapping><servlet-name>who</servlet-name><url-pattern>/secure/*</url-pattern></servlet-mapping>
                <servlet-mapping><servlet-name>prog</servlet-name><url-pattern>/prog</url-pattern></servlet-mapping>
                <security-constraint>
                  <web-resource-collection><web-resource-name>admin</web-resource-name>
                    <url-pattern>/secure/*</url-pattern></web-resource-collection>
                  <auth-constraint><role-name>Administrator</role-name></auth-constraint>
                </security-constraint>
                <login-config><auth-method>%s</auth-method></login-config>
                """.formatted(authMethod))
                .classes(WhoServlet.class, ProgrammaticServlet.class)
                .writeTo(Files.createDirectories(dir.resolve("bare")));
        return SecurityFixtures.start(new HostSpec("bare", List.of(ContextSpec.war("", war)), dir.resolve("state"), 1,
                users), executor);
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void withoutUsersProtectedUrlsStayClosedAndTheLogNamesTheOptions() throws Exception {
        try (ServletHost host = host("BASIC", UserFiles.NONE)) {
            assertEquals(401, run(host, request("GET", "/secure/x")).channel.status);
            assertEquals(401, run(host, request("GET", "/secure/x", "HTTP_AUTHORIZATION",
                    basic("alice", ALICE_PASSWORD))).channel.status);
            assertEquals("error=login(): this app has no users; the operator gives it users with 'auth-user-file'"
                    + " (htpasswd format) in its INI file\n",
                    run(host, request("GET", "/prog?op=login&u=alice&p=x")).channel.bodyText());
        }
        assertTrue(warnings().stream().anyMatch(m -> m.startsWith("App 'bare' has security constraints that need a"
                + " login, but no users are configured") && m.contains("auth-user-file") && m.contains("auth-group-file")),
                warnings().toString());
    }

    @Test
    void digestIsNotSupportedButTheFrontendsUsersGetTheirRoles() throws Exception {
        Path groups = Files.writeString(dir.resolve("bare.groups"), "Administrator: frank\n");
        try (ServletHost host = host("DIGEST", new UserFiles(null, groups))) {
            assertEquals(403, run(host, request("GET", "/secure/x")).channel.status);
            Map<String, String> frank = Hosts.lines(run(host, request("GET", "/secure/x", "REMOTE_USER", "frank"))
                    .channel.bodyText());
            assertEquals("frank", frank.get("user"));
            assertEquals("true", frank.get("role:Administrator"));
            assertEquals(403, run(host, request("GET", "/secure/x", "REMOTE_USER", "grace")).channel.status);
            assertTrue(run(host, request("GET", "/prog?op=authenticate")).channel.bodyText()
                    .contains("Malt does not support DIGEST authentication"));
        }
        assertTrue(warnings().stream().anyMatch(m -> m.contains("its login-config asks for DIGEST authentication,"
                + " which Malt does not support")), warnings().toString());
    }

    @Test
    void aBrokenUserFileStopsTheBootNamingTheLine() throws Exception {
        Path users = Files.writeString(dir.resolve("bare.htpasswd"), "alice:hunter2\n");
        AppLoadException e = assertThrows(AppLoadException.class, () -> ServletHost.start(new HostSpec("bare",
                List.of(), dir.resolve("state"), 1, new UserFiles(users, null)), executor));
        assertEquals("App 'bare': its users cannot be read: " + users + ":1: user 'alice': the password is not"
                + " hashed (a plain-text entry?). Malt refuses plain-text passwords; set it again with"
                + " 'htpasswd -B FILE USER'", e.getMessage());
    }
}
