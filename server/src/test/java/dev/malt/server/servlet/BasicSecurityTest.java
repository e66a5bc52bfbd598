package dev.malt.server.servlet;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.malt.server.servlet.apps.security.AnnotatedSecureServlet;
import dev.malt.server.servlet.apps.security.ProgrammaticServlet;
import dev.malt.server.servlet.apps.security.SecuringListener;
import dev.malt.server.servlet.apps.security.WhoServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import static dev.malt.server.servlet.SecurityFixtures.ALICE_PASSWORD;
import static dev.malt.server.servlet.SecurityFixtures.BOB_PASSWORD;
import static dev.malt.server.servlet.SecurityFixtures.CAROL_PASSWORD;
import static dev.malt.server.servlet.SecurityFixtures.basic;
import static dev.malt.server.servlet.SecurityFixtures.post;
import static dev.malt.server.servlet.SecurityFixtures.request;
import static dev.malt.server.servlet.SecurityFixtures.run;
import static dev.malt.server.servlet.SecurityFixtures.sessionCookie;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A WAR with BASIC login, users from htpasswd and group files, constraints from web.xml, annotations and code. */
class BasicSecurityTest {

    @TempDir
    static Path dir;

    private static final Logger appLog = (Logger) LoggerFactory.getLogger("malt.app.shop");
    private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private static ExecutorService executor;
    private static ServletHost host;

    static final String WEB_XML = """
            <servlet><servlet-name>who</servlet-name>
              <servlet-class>dev.malt.server.servlet.apps.security.WhoServlet</servlet-class>
              <security-role-ref><role-name>ADM</role-name><role-link>Administrator</role-link></security-role-ref>
            </servlet>
            <servlet><servlet-name>prog</servlet-name>
              <servlet-class>dev.malt.server.servlet.apps.security.ProgrammaticServlet</servlet-class></servlet>
            <servlet-mapping><servlet-name>who</servlet-name><url-pattern>/secure/*</url-pattern>
              <url-pattern>/managers</url-pattern><url-pattern>/anyone</url-pattern><url-pattern>/closed</url-pattern>
              <url-pattern>/open</url-pattern><url-pattern>/tls</url-pattern></servlet-mapping>
            <servlet-mapping><servlet-name>prog</servlet-name><url-pattern>/prog</url-pattern></servlet-mapping>
            <security-constraint>
              <web-resource-collection><web-resource-name>admin</web-resource-name>
                <url-pattern>/secure/*</url-pattern><url-pattern>/index.html</url-pattern></web-resource-collection>
              <auth-constraint><role-name>Administrator</role-name></auth-constraint>
            </security-constraint>
            <security-constraint>
              <web-resource-collection><web-resource-name>managers</web-resource-name>
                <url-pattern>/managers</url-pattern><http-method>GET</http-method><http-method>POST</http-method>
              </web-resource-collection>
              <auth-constraint><role-name>Manager</role-name></auth-constraint>
            </security-constraint>
            <security-constraint>
              <web-resource-collection><web-resource-name>any</web-resource-name><url-pattern>/anyone</url-pattern>
              </web-resource-collection>
              <auth-constraint><role-name>**</role-name></auth-constraint>
            </security-constraint>
            <security-constraint>
              <web-resource-collection><web-resource-name>closed</web-resource-name><url-pattern>/closed</url-pattern>
              </web-resource-collection>
              <auth-constraint/>
            </security-constraint>
            <security-constraint>
              <web-resource-collection><web-resource-name>tls</web-resource-name><url-pattern>/tls</url-pattern>
              </web-resource-collection>
              <user-data-constraint><transport-guarantee>CONFIDENTIAL</transport-guarantee></user-data-constraint>
            </security-constraint>
            <login-config><auth-method>BASIC</auth-method><realm-name>Shop "staff"</realm-name></login-config>
            <security-role><role-name>Administrator</role-name></security-role>
            <security-role><role-name>Manager</role-name></security-role>
            """;

    @BeforeAll
    static void start() throws Exception {
        logs.start();
        appLog.addAppender(logs);
        Path war = new ExplodedWar().webXml(WEB_XML)
                .text("index.html", "welcome")
                .classes(WhoServlet.class, ProgrammaticServlet.class, AnnotatedSecureServlet.class,
                        SecuringListener.class)
                .writeTo(Files.createDirectories(dir.resolve("shop")));
        executor = SecurityFixtures.executor();
        host = SecurityFixtures.start(new HostSpec("shop", List.of(ContextSpec.war("", war)), dir.resolve("state"), 1,
                SecurityFixtures.users(dir)), executor);
    }

    @AfterAll
    static void stop() {
        host.close();
        executor.shutdownNow();
        appLog.detachAppender(logs);
    }

    private static TestExchange get(String uri, String... headers) {
        return run(host, request("GET", uri, headers));
    }

    private static Map<String, String> ok(TestExchange exchange) {
        assertEquals(200, exchange.channel.status, exchange.channel.bodyText());
        return Hosts.lines(exchange.channel.bodyText());
    }

    private static List<String> logged() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aProtectedUrlAsksForBasicCredentialsThenServesTheUserWithRoles() {
        TestExchange challenge = get("/secure/page");
        assertEquals(401, challenge.channel.status);
        assertEquals("Basic realm=\"Shop staff\", charset=\"UTF-8\"", challenge.channel.header("WWW-Authenticate"));

        TestExchange answer = get("/secure/page", "HTTP_AUTHORIZATION", basic("alice", ALICE_PASSWORD));
        Map<String, String> who = ok(answer);
        assertEquals("alice", who.get("user"));
        assertEquals("alice", who.get("principal"));
        assertEquals("BASIC", who.get("authType"));
        assertEquals("true", who.get("role:ADM"), "security-role-ref ADM links to Administrator");
        assertEquals("true", who.get("role:Administrator"));
        assertEquals("true", who.get("role:Manager"));
        assertEquals("true", who.get("role:**"), "** is any authenticated user");
        assertEquals("false", who.get("role:*"), "* is never a role");
        assertEquals("null", who.get("session"), "BASIC needs no session");
        assertEquals("private", answer.channel.header("Cache-Control"));
    }

    @Test
    void aWrongPasswordOrUnknownUserIsAskedAgainAndLogged() {
        TestExchange wrong = get("/secure/page", "HTTP_AUTHORIZATION", basic("alice", "wonderland"));
        assertEquals(401, wrong.channel.status);
        assertTrue(wrong.channel.header("WWW-Authenticate").startsWith("Basic "));
        assertEquals(401, get("/secure/page", "HTTP_AUTHORIZATION", basic("mallory", ALICE_PASSWORD)).channel.status);
        assertEquals(401, get("/secure/page", "HTTP_AUTHORIZATION", "Basic !!").channel.status);
        assertTrue(logged().contains("BASIC login failed for user 'alice' from 192.0.2.7"), logged().toString());
    }

    @Test
    void aUserWithoutTheRoleIsForbidden() {
        assertEquals(403, get("/secure/page", "HTTP_AUTHORIZATION", basic("carol", CAROL_PASSWORD)).channel.status);
        assertEquals(403, get("/secure/page", "HTTP_AUTHORIZATION", basic("bob", BOB_PASSWORD)).channel.status);
        assertEquals("bob", ok(get("/managers", "HTTP_AUTHORIZATION", basic("bob", BOB_PASSWORD))).get("user"));
        assertEquals("carol", ok(get("/anyone", "HTTP_AUTHORIZATION", basic("carol", CAROL_PASSWORD))).get("user"));
        assertEquals(401, get("/anyone").channel.status);
    }

    @Test
    void uncoveredMethodsAreServedAndTheOperatorIsTold() {
        Map<String, String> put = ok(run(host, request("PUT", "/managers")));
        assertEquals("null", put.get("user"), "PUT is not covered at /managers");
        assertTrue(logged().stream().anyMatch(m -> m.contains("not covered by its security constraints and are served"
                + " without protection: all but GET, POST at '/managers'")), logged().toString());
    }

    @Test
    void anEmptyAuthConstraintForbidsEveryone() {
        assertEquals(403, get("/closed").channel.status);
        assertEquals(403, get("/closed", "HTTP_AUTHORIZATION", basic("alice", ALICE_PASSWORD)).channel.status);
    }

    @Test
    void confidentialNeedsTheFrontendToSayHttps() {
        TestExchange plain = get("/tls");
        assertEquals(403, plain.channel.status);
        assertTrue(plain.channel.bodyText().contains("needs HTTPS"), plain.channel.bodyText());
        assertEquals("true", ok(get("/tls", "HTTPS", "on")).containsKey("user") ? "true" : "false",
                "behind TLS: served");
    }

    @Test
    void aWelcomeFileKeepsItsOwnConstraint() {
        assertEquals(401, get("/").channel.status);
        TestExchange welcome = get("/", "HTTP_AUTHORIZATION", basic("alice", ALICE_PASSWORD));
        assertEquals(200, welcome.channel.status);
        assertEquals("welcome", welcome.channel.bodyText());
    }

    @Test
    void unprotectedUrlsHaveNoUserEvenWithCredentials() {
        Map<String, String> anonymous = ok(get("/open"));
        assertEquals("null", anonymous.get("user"));
        assertEquals("null", anonymous.get("authType"));
        assertEquals("false", anonymous.get("role:**"));
        assertEquals("null", ok(get("/open", "HTTP_AUTHORIZATION", basic("alice", ALICE_PASSWORD))).get("user"));
    }

    @Test
    void servletSecurityAnnotationProtectsAllButGet() {
        assertEquals("null", ok(get("/annotated")).get("user"));
        assertEquals(401, run(host, post("/annotated", "a=1")).channel.status);
        assertEquals(403, run(host, post("/annotated", "a=1", "HTTP_AUTHORIZATION", basic("bob", BOB_PASSWORD)))
                .channel.status);
        Map<String, String> alice = ok(run(host, post("/annotated", "a=1", "HTTP_AUTHORIZATION",
                basic("alice", ALICE_PASSWORD))));
        assertEquals("alice", alice.get("user"));
        assertEquals("1", alice.get("param:a"));
    }

    @Test
    void setServletSecurityWithDefaultsLeavesOtherMethodsUncovered() {
        assertEquals(401, get("/dyn").channel.status);
        assertEquals("bob", ok(get("/dyn", "HTTP_AUTHORIZATION", basic("bob", BOB_PASSWORD))).get("user"));
        assertEquals("null", ok(run(host, post("/dyn", "a=1"))).get("user"), "POST is uncovered at /dyn");
    }

    @Test
    void programmaticLoginLogoutAndAuthenticate() {
        Map<String, String> login = ok(get("/prog?op=login&u=alice&p=wonder+land"));
        assertEquals("null", login.get("before"));
        assertEquals("alice", login.get("user"));
        assertEquals("BASIC", login.get("authType"));
        assertEquals("true", login.get("role:Manager"));

        String rejected = get("/prog?op=login&u=alice&p=nope").channel.bodyText();
        assertEquals("error=login(): the user name or password is not valid\n", rejected);
        assertTrue(logged().contains("Programmatic login failed for user 'alice' from 192.0.2.7"), logged().toString());

        TestExchange challenge = get("/prog?op=authenticate");
        assertEquals(401, challenge.channel.status);
        assertTrue(challenge.channel.header("WWW-Authenticate").startsWith("Basic realm="));
        assertEquals("bob", ok(get("/prog?op=authenticate", "HTTP_AUTHORIZATION", basic("bob", BOB_PASSWORD)))
                .get("user"));

        Map<String, String> logout = ok(get("/prog?op=logout"));
        assertEquals("null", logout.get("user"));
        assertNull(sessionCookie(challenge), "BASIC makes no session");
    }

    @Test
    void onlyTheFrontendNamesAUserNeverAClientHeader() {
        assertEquals("null", ok(get("/open", "HTTP_REMOTE_USER", "mallory")).get("user"), "a Remote-User header");
        Map<String, String> frontend = ok(get("/managers", "REMOTE_USER", "bob"));
        assertEquals("bob", frontend.get("user"), "nginx's REMOTE_USER, after its own auth_basic");
        assertEquals("true", frontend.get("role:Manager"), "roles from the group file");
    }
}
