package dev.malt.integration;

import dev.malt.integration.support.BehindNginx;
import dev.malt.integration.support.Browser;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code auth-user-file} and {@code auth-group-file} in an app's INI, through nginx: a WAR with BASIC
 * at {@code /basic} and one with FORM at {@code /form}, both unchanged web.xml security.
 */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UsersAndRolesTest {

    /** Written by Apache's {@code htpasswd -B -C 5} for the password "wonder land". */
    private static final String ALICE = "alice:$2y$05$cJvf9.2lz3bA6SeA4l4kVOAyNubJEEl1zWQugXSls/i9PMOHUwt9i";
    /** {@code htpasswd -s} for "c4rol". */
    private static final String CAROL = "carol:{SHA}FIOVHSnLL3QkTpKtwhYrQVvufT8=";

    private static final String WHO_JSP = "<%@ page contentType=\"text/plain\" %>user=<%= request.getRemoteUser() %>"
            + " type=<%= request.getAuthType() %> manager=<%= request.isUserInRole(\"Manager\") %>";

    private BehindNginx app;

    @BeforeAll
    void start() {
        MaltProcess.Builder builder = MaltProcess.builder("users");
        Path basic = war(builder.path("basic"), "<login-config><auth-method>BASIC</auth-method>"
                + "<realm-name>Staff</realm-name></login-config>");
        Path form = war(builder.path("form"), "<login-config><auth-method>FORM</auth-method><form-login-config>"
                + "<form-login-page>/login.html</form-login-page><form-error-page>/error.html</form-error-page>"
                + "</form-login-config></login-config>");
        write(form.resolve("login.html"), "<form method=post action=j_security_check>login</form>");
        write(form.resolve("error.html"), "wrong user or password");
        Path users = write(builder.path("users.htpasswd"), ALICE + "\n" + CAROL + "\n");
        Path groups = write(builder.path("users.groups"), "Manager: alice\n");
        app = BehindNginx.start(builder
                .option("mount", "/basic=" + basic)
                .option("mount", "/form=" + form)
                .option("auth-user-file", users.toString())
                .option("auth-group-file", groups.toString())
                .option("workers", "1"));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Path war(Path dir, String loginConfig) {
        write(dir.resolve("WEB-INF/web.xml"), "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.1\">"
                + "<security-constraint><web-resource-collection><web-resource-name>staff</web-resource-name>"
                + "<url-pattern>/staff/*</url-pattern></web-resource-collection>"
                + "<auth-constraint><role-name>Manager</role-name></auth-constraint></security-constraint>"
                + loginConfig + "<security-role><role-name>Manager</role-name></security-role></web-app>");
        write(dir.resolve("staff/who.jsp"), WHO_JSP);
        return dir;
    }

    private static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicAsksThenLetsTheManagerIn() {
        HttpResponse challenge = app.get("/basic/staff/who.jsp");
        assertEquals(401, challenge.status(), challenge::toString);
        assertEquals("Basic realm=\"Staff\", charset=\"UTF-8\"", challenge.header("WWW-Authenticate"), challenge::toString);

        HttpResponse alice = RawHttp.get("/basic/staff/who.jsp").header("Authorization", basic("alice", "wonder land"))
                .send(app.endpoint());
        assertEquals(200, alice.status(), alice::toString);
        assertEquals("user=alice type=BASIC manager=true", alice.text().strip(), alice::toString);

        HttpResponse carol = RawHttp.get("/basic/staff/who.jsp").header("Authorization", basic("carol", "c4rol"))
                .send(app.endpoint());
        assertEquals(403, carol.status(), carol::toString);
        HttpResponse wrong = RawHttp.get("/basic/staff/who.jsp").header("Authorization", basic("alice", "wonder"))
                .send(app.endpoint());
        assertEquals(401, wrong.status(), wrong::toString);
    }

    @Test
    void formShowsTheLoginPageThenTheProtectedPage() {
        Browser browser = app.browser();
        HttpResponse page = browser.get("/form/staff/who.jsp");
        assertEquals(200, page.status(), page::toString);
        assertEquals("<form method=post action=j_security_check>login</form>", page.text(), page::toString);
        String before = browser.cookie("JSESSIONID");

        HttpResponse failed = browser.form("/form/j_security_check", "j_username", "alice", "j_password", "nope");
        assertEquals(200, failed.status(), failed::toString);
        assertEquals("wrong user or password", failed.text(), failed::toString);

        HttpResponse done = browser.form("/form/j_security_check", "j_username", "alice", "j_password", "wonder land");
        assertEquals(303, done.status(), done::toString);
        assertEquals("/form/staff/who.jsp", Browser.locationTarget(done), done::toString);
        assertNotEquals(before, browser.cookie("JSESSIONID"), "a new session id after the login");
        HttpResponse who = browser.follow(done);
        assertEquals(200, who.status(), who::toString);
        assertEquals("user=alice type=FORM manager=true", who.text().strip(), who::toString);
        assertTrue(app.malt().output().contains("FORM login failed for user 'alice' from 127.0.0.1"),
                () -> app.malt().outputTail(40));
    }
}
