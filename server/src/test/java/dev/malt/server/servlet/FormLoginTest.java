package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.security.ProgrammaticServlet;
import dev.malt.server.servlet.apps.security.WhoServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import static dev.malt.server.servlet.SecurityFixtures.ALICE_PASSWORD;
import static dev.malt.server.servlet.SecurityFixtures.CAROL_PASSWORD;
import static dev.malt.server.servlet.SecurityFixtures.post;
import static dev.malt.server.servlet.SecurityFixtures.request;
import static dev.malt.server.servlet.SecurityFixtures.run;
import static dev.malt.server.servlet.SecurityFixtures.sessionCookie;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** FORM login (spec 13.6.3) at context /forms, as a browser goes through it. */
class FormLoginTest {

    @TempDir
    static Path dir;

    private static ExecutorService executor;
    private static ServletHost host;

    private static final String LOGIN_PAGE = "<form method=POST action=j_security_check>the login page</form>";
    private static final String ERROR_PAGE = "the error page";

    @BeforeAll
    static void start() throws Exception {
        Path war = new ExplodedWar().webXml("""
                <servlet><servlet-name>who</servlet-name>
                  <servlet-class>dev.malt.server.servlet.apps.security.WhoServlet</servlet-class></servlet>
                <servlet><servlet-name>prog</servlet-name>
                  <servlet-class>dev.malt.server.servlet.apps.security.ProgrammaticServlet</servlet-class></servlet>
                <servlet-mapping><servlet-name>who</servlet-name><url-pattern>/secure/*</url-pattern>
                  <url-pattern>/open</url-pattern></servlet-mapping>
                <servlet-mapping><servlet-name>prog</servlet-name><url-pattern>/prog</url-pattern></servlet-mapping>
                <security-constraint>
                  <web-resource-collection><web-resource-name>admin</web-resource-name>
                    <url-pattern>/secure/*</url-pattern></web-resource-collection>
                  <auth-constraint><role-name>Administrator</role-name></auth-constraint>
                </security-constraint>
                <login-config><auth-method>FORM</auth-method><form-login-config>
                  <form-login-page>/login.html</form-login-page><form-error-page>/error.html</form-error-page>
                </form-login-config></login-config>
                <security-role><role-name>Administrator</role-name></security-role>
                """)
                .text("login.html", LOGIN_PAGE)
                .text("error.html", ERROR_PAGE)
                .classes(WhoServlet.class, ProgrammaticServlet.class)
                .writeTo(Files.createDirectories(dir.resolve("forms")));
        executor = SecurityFixtures.executor();
        host = SecurityFixtures.start(new HostSpec("forms", List.of(ContextSpec.war("/forms", war)),
                dir.resolve("state"), 1, SecurityFixtures.users(dir)), executor);
    }

    @AfterAll
    static void stop() {
        host.close();
        executor.shutdownNow();
    }

    private static TestExchange get(String uri, String session) {
        return session == null ? run(host, request("GET", uri)) : run(host, request("GET", uri,
                "HTTP_COOKIE", "JSESSIONID=" + session));
    }

    private static TestExchange login(String session, String user, String password) {
        return run(host, post("/forms/j_security_check", "j_username=" + user + "&j_password=" + password,
                "HTTP_COOKIE", "JSESSIONID=" + session));
    }

    private static Map<String, String> ok(TestExchange exchange) {
        assertEquals(200, exchange.channel.status, exchange.channel.bodyText());
        return Hosts.lines(exchange.channel.bodyText());
    }

    /** Logs alice in through the login page of {@code uri}; returns the session id after the login. */
    private static String loggedIn(String uri, String user, String password) {
        TestExchange page = get(uri, null);
        String before = sessionCookie(page);
        TestExchange done = login(before, user, password);
        assertEquals(303, done.channel.status, done.channel.bodyText());
        return sessionCookie(done);
    }

    @Test
    void loginPageThenBackToTheUrlWithANewSessionId() {
        TestExchange page = get("/forms/secure/page?x=1", null);
        assertEquals(200, page.channel.status);
        assertEquals(LOGIN_PAGE, page.channel.bodyText(), "the login page, under the URL the browser asked for");
        assertEquals("no-store", page.channel.header("Cache-Control"));
        String before = sessionCookie(page);
        assertNotNull(before, "the saved request lives in a session");

        TestExchange failed = login(before, "alice", "nope");
        assertEquals(200, failed.channel.status, "the error page comes with 200");
        assertEquals(ERROR_PAGE, failed.channel.bodyText());
        assertNull(sessionCookie(failed), "a failed login keeps the session");

        TestExchange done = login(before, "alice", "wonder+land");
        assertEquals(303, done.channel.status);
        assertEquals("http://example.org:18080/forms/secure/page?x=1", done.channel.header("Location"));
        String after = sessionCookie(done);
        assertNotNull(after);
        assertNotEquals(before, after, "a new session id after the login (session fixation)");

        Map<String, String> who = ok(get("/forms/secure/page?x=1", after));
        assertEquals("alice", who.get("user"));
        assertEquals("FORM", who.get("authType"));
        assertEquals("GET", who.get("method"));
        assertEquals("1", who.get("param:x"));
        assertEquals("alice", ok(get("/forms/open", after)).get("user"), "the login holds on unprotected pages too");
        assertEquals(LOGIN_PAGE, get("/forms/secure/page", before).channel.bodyText(), "the old id is worth nothing");
    }

    @Test
    void aPostedFormComesBackAfterTheLogin() {
        TestExchange page = run(host, post("/forms/secure/order?from=cart", "item=tea&qty=2"));
        assertEquals(LOGIN_PAGE, page.channel.bodyText());
        TestExchange done = login(sessionCookie(page), "alice", "wonder+land");
        assertEquals("http://example.org:18080/forms/secure/order?from=cart", done.channel.header("Location"));
        String session = sessionCookie(done);

        Map<String, String> restored = ok(get("/forms/secure/order?from=cart", session));
        assertEquals("POST", restored.get("method"));
        assertEquals("tea", restored.get("param:item"));
        assertEquals("2", restored.get("param:qty"));
        assertEquals("cart", restored.get("param:from"));
        Map<String, String> again = ok(get("/forms/secure/order?from=cart", session));
        assertEquals("GET", again.get("method"), "restored once");
        assertNull(again.get("param:item"));
    }

    @Test
    void aFormOverTheLimitIsNotKeptAndThePageIsFetchedAgain() {
        TestExchange page = run(host, post("/forms/secure/upload", "text=" + "a".repeat(70 * 1024)));
        assertEquals(LOGIN_PAGE, page.channel.bodyText());
        String session = sessionCookie(login(sessionCookie(page), "alice", "wonder+land"));
        Map<String, String> after = ok(get("/forms/secure/upload", session));
        assertEquals("GET", after.get("method"));
        assertNull(after.get("param:text"));
    }

    @Test
    void aUserWithoutTheRoleIsForbiddenAfterTheLogin() {
        String session = loggedIn("/forms/secure/page", "carol", CAROL_PASSWORD);
        assertEquals(403, get("/forms/secure/page", session).channel.status);
        assertEquals("carol", ok(get("/forms/open", session)).get("user"));
    }

    @Test
    void logoutEndsTheLogin() {
        String session = loggedIn("/forms/secure/page", "alice", "wonder+land");
        Map<String, String> logout = ok(get("/forms/prog?op=logout", session));
        assertEquals("alice", logout.get("before"));
        assertEquals("null", logout.get("user"));
        assertEquals("null", logout.get("authType"));
        assertEquals(LOGIN_PAGE, get("/forms/secure/page", session).channel.bodyText());
    }

    @Test
    void programmaticLoginIsKeptInTheSession() {
        TestExchange login = get("/forms/prog?op=login&u=alice&p=wonder+land", null);
        Map<String, String> who = ok(login);
        assertEquals("alice", who.get("user"));
        assertEquals("FORM", who.get("authType"));
        String session = sessionCookie(login);
        assertNotNull(session);
        assertEquals("alice", ok(get("/forms/secure/page", session)).get("user"));
    }

    @Test
    void authenticateShowsTheLoginPage() {
        TestExchange page = get("/forms/prog?op=authenticate", null);
        assertEquals(200, page.channel.status);
        assertEquals(LOGIN_PAGE, page.channel.bodyText());
    }

    @Test
    void aLoginWithoutASavedRequestGoesToTheStart() {
        TestExchange done = run(host, post("/forms/j_security_check", "j_username=alice&j_password=" + ALICE_PASSWORD
                .replace(' ', '+')));
        assertEquals(303, done.channel.status);
        String location = done.channel.header("Location");
        assertEquals("http://example.org:18080/forms/", location.replaceFirst(";jsessionid=[0-9A-F]+$", ""),
                "the session id travels in the URL too, as the client has not shown it keeps cookies");
        assertEquals("alice", ok(get("/forms/open", sessionCookie(done))).get("user"));
    }
}
