package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.core.SessionEventsListener;
import dev.malt.server.servlet.apps.core.SessionServlet;
import dev.malt.server.servlet.deploy.SessionConfigModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;

import static dev.malt.server.servlet.TestWebApp.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP sessions (Servlet 6.1 chapter 7): tracking, lifecycle, events, expiry and URL rewriting. */
class SessionTest {

    final MutableClock clock = new MutableClock();
    ServletHost host;
    BlockingQueue<String> events;

    @BeforeEach
    void start() {
        host = app().start(clock);
        events = TestWebApp.events(host, "/ctx");
    }

    /** The app under test; a subclass chooses where its sessions live (here: in memory). */
    TestWebApp app() {
        return TestWebApp.at("/ctx")
                .servlet("session", SessionServlet.class, "/s/*")
                .listener(SessionEventsListener.class)
                .sessionConfig(new SessionConfigModel(1, null, null, null, null, null, null, Map.of(), null));
    }

    @AfterEach
    void stop() {
        host.close();
    }

    RecordingChannel get(String uri, String sessionId) {
        return get(host, uri, sessionId);
    }

    static RecordingChannel get(ServletHost host, String uri, String sessionId) {
        RecordingChannel c = sessionId == null ? TestWebApp.get(host, uri)
                : TestWebApp.get(host, uri, "HTTP_COOKIE", "JSESSIONID=" + sessionId);
        assertEquals(200, c.status, c.bodyText());
        return c;
    }

    Map<String, String> lines(String uri, String sessionId) {
        return Hosts.lines(get(uri, sessionId).bodyText());
    }

    static Map<String, String> lines(ServletHost host, String uri, String sessionId) {
        return Hosts.lines(get(host, uri, sessionId).bodyText());
    }

    /** The one Set-Cookie header's parts; their order carries no meaning. */
    static Set<String> cookie(RecordingChannel c) {
        List<String> headers = c.headers("Set-Cookie");
        assertEquals(1, headers.size(), headers.toString());
        return Set.of(headers.get(0).split("; "));
    }

    String create() {
        String id = lines("/ctx/s/create", null).get("id");
        drain(events);
        return id;
    }

    // 7.1.1: the session cookie is JSESSIONID, scoped to the context path, HttpOnly
    @Test
    void newSessionSendsItsCookie() {
        RecordingChannel c = get("/ctx/s/create", null);
        Map<String, String> e = Hosts.lines(c.bodyText());
        String id = e.get("id");
        assertTrue(id.length() >= 16, id);
        assertEquals("true", e.get("isNew"));
        assertEquals("60", e.get("maxInactive")); // session-timeout is in minutes
        assertEquals(Set.of("JSESSIONID=" + id, "Path=/ctx", "HttpOnly"), cookie(c));
        assertEquals(List.of("created " + id), drain(events));
    }

    // 7.1.1 and SessionCookieConfig#isSecure: over HTTPS (as the frontend says) the cookie is Secure
    @Test
    void cookieOverHttpsIsSecure() {
        RecordingChannel c = TestWebApp.get(host, "/ctx/s/create", "UWSGI_SCHEME", "https");
        String id = Hosts.lines(c.bodyText()).get("id");
        assertEquals(Set.of("JSESSIONID=" + id, "Path=/ctx", "HttpOnly", "Secure"), cookie(c));
    }

    // 7.1.1 and 7.2: the cookie brings the client back to its session, which is then no longer new
    @Test
    void sessionFoundByItsCookie() {
        String id = create();
        RecordingChannel c = get("/ctx/s/get", id);
        Map<String, String> e = Hosts.lines(c.bodyText());
        assertEquals(id, e.get("session"));
        assertEquals("false", e.get("isNew"));
        assertEquals(id, e.get("requestedId"));
        assertEquals("true", e.get("fromCookie"));
        assertEquals("false", e.get("fromURL"));
        assertEquals("true", e.get("requestedValid"));
        assertTrue(c.headers("Set-Cookie").isEmpty(), c.headers.toString());
    }

    // 7.1.3: the id as a ;jsessionid= path parameter; the path getters do not show it
    @Test
    void sessionFoundByUrlPathParameter() {
        String id = create();
        Map<String, String> e = lines("/ctx/s/get;jsessionid=" + id, null);
        assertEquals(id, e.get("session"));
        assertEquals("false", e.get("fromCookie"));
        assertEquals("true", e.get("fromURL"));
        assertEquals("/get", e.get("pathInfo"));
    }

    // HttpServletRequest#isRequestedSessionIdValid: an unknown id is reported, but no session exists
    @Test
    void unknownRequestedId() {
        Map<String, String> e = lines("/ctx/s/get", "NOPE");
        assertEquals("none", e.get("session"));
        assertEquals("NOPE", e.get("requestedId"));
        assertEquals("false", e.get("requestedValid"));
    }

    // 7.4 and HttpSessionAttributeListener: added, replaced (with the old value), removed; binding
    // listeners hear valueBound before the value is visible and valueUnbound when it goes
    @Test
    void attributeEvents() {
        String id = create();
        get("/ctx/s/set?name=a&value=1", id);
        get("/ctx/s/set?name=a&value=2", id);
        get("/ctx/s/remove?name=a", id);
        get("/ctx/s/bind?name=b&label=first", id);
        get("/ctx/s/bind?name=b&label=second", id);
        get("/ctx/s/remove?name=b", id);
        assertEquals(List.of(
                "added a=1",
                "replaced a=1 now 2",
                "removed a=2",
                "bound first as b visible=false",
                "added b=first",
                "bound second as b visible=false",
                "unbound first as b",
                "replaced b=first now second",
                "unbound second as b",
                "removed b=second"), drain(events));
    }

    // 7.4 and HttpSessionListener#sessionDestroyed: listeners hear it while the attributes still read,
    // then every attribute is unbound and removed; the session is gone for the client
    @Test
    void invalidateTellsListenersThenUnbindsAttributes() {
        String id = create();
        get("/ctx/s/set?name=a&value=1", id);
        get("/ctx/s/bind?name=b&label=bound", id);
        drain(events);
        assertEquals("null", lines("/ctx/s/invalidate", id).get("afterInvalidate"));
        List<String> seen = drain(events);
        assertEquals("destroyed " + id + " {a=1,b=bound}", seen.get(0));
        assertEquals(Set.of("removed a=1", "unbound bound as b", "removed b=bound"), Set.copyOf(seen.subList(1, 4)));
        assertTrue(seen.indexOf("unbound bound as b") < seen.indexOf("removed b=bound"), seen.toString());
        assertEquals(4, seen.size(), seen.toString());
        assertEquals("none", lines("/ctx/s/get", id).get("session"));
    }

    // HttpServletRequest#getSession after invalidate in the same request: a new session
    @Test
    void newSessionAfterInvalidateInTheSameRequest() {
        String id = create();
        RecordingChannel c = get("/ctx/s/invalidateThenCreate", id);
        Map<String, String> e = Hosts.lines(c.bodyText());
        assertEquals(id, e.get("old"));
        assertNotEquals(id, e.get("new"));
        assertEquals(Set.of("JSESSIONID=" + e.get("new"), "Path=/ctx", "HttpOnly"), cookie(c));
        assertEquals(List.of("destroyed " + id + " {}", "created " + e.get("new")), drain(events));
    }

    // 7.2 and HttpServletRequest#changeSessionId: a new id for the same session, a new cookie, and
    // HttpSessionIdListener hears it; the old id no longer works
    @Test
    void changeSessionIdKeepsTheSession() {
        String id = create();
        get("/ctx/s/set?name=x&value=1", id);
        drain(events);
        RecordingChannel c = get("/ctx/s/change", id);
        Map<String, String> e = Hosts.lines(c.bodyText());
        String newId = e.get("new");
        assertEquals(id, e.get("old"));
        assertNotEquals(id, newId);
        assertEquals(newId, e.get("getId"));
        assertEquals(Set.of("JSESSIONID=" + newId, "Path=/ctx", "HttpOnly"), cookie(c));
        assertEquals(List.of("idChanged " + id + " -> " + newId), drain(events));
        assertEquals("1", lines("/ctx/s/get", newId).get("attr.x"));
        assertEquals("none", lines("/ctx/s/get", id).get("session"));
    }

    // 7.5: a session not used for longer than its timeout is invalidated; the next request does not see it
    @Test
    void idleSessionExpiresOnAccess() {
        String id = create();
        get("/ctx/s/set?name=a&value=1", id);
        drain(events);
        clock.advance(Duration.ofSeconds(61));
        assertEquals("none", lines("/ctx/s/get", id).get("session"));
        assertEquals(List.of("destroyed " + id + " {a=1}", "removed a=1"), drain(events));
    }

    // 7.5: expired sessions are invalidated without any request, by the container's sweep
    @Test
    void idleSessionExpiresWithoutARequest() {
        String id = create();
        clock.advance(Duration.ofSeconds(59));
        host.context("/ctx").sessions().sweep();
        assertEquals(List.of(), drain(events));
        clock.advance(Duration.ofSeconds(2));
        host.context("/ctx").sessions().sweep();
        assertEquals(List.of("destroyed " + id + " {}"), drain(events));
    }

    // 7.5: each request restarts the idle clock; setMaxInactiveInterval changes one session's timeout
    @Test
    void accessKeepsASessionAliveAndItsOwnTimeoutCounts() {
        String id = create();
        clock.advance(Duration.ofSeconds(50));
        get("/ctx/s/get", id);
        clock.advance(Duration.ofSeconds(50));
        assertEquals(id, lines("/ctx/s/get", id).get("session"));

        get("/ctx/s/timeout?seconds=5", id);
        clock.advance(Duration.ofSeconds(6));
        host.context("/ctx").sessions().sweep();
        assertEquals(List.of("destroyed " + id + " {}"), drain(events));
    }

    // 7.6: getLastAccessedTime is the time of the previous request, not the current one
    @Test
    void lastAccessedTimeIsThePreviousRequest() {
        long created = clock.millis();
        String id = create();
        clock.advance(Duration.ofSeconds(10));
        Map<String, String> first = lines("/ctx/s/get", id);
        assertEquals(Long.toString(created), first.get("creationTime"));
        assertEquals(Long.toString(created), first.get("lastAccessedTime"));
        long firstAccess = clock.millis();
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Long.toString(firstAccess), lines("/ctx/s/get", id).get("lastAccessedTime"));
    }

    // 7.1.3 and HttpServletResponse#encodeURL: the id goes into URLs of this context while the client
    // has not shown a cookie; never into other sites' URLs
    @Test
    void encodeUrl() {
        String urls = "url=/ctx/page&url=" + URLEncoder.encode("/ctx/page?flag#top", StandardCharsets.UTF_8)
                + "&url=" + URLEncoder.encode("http://other.example/x", StandardCharsets.UTF_8) + "&url=relative";
        Map<String, String> fresh = lines("/ctx/s/encode?create=1&" + urls, null);
        String id = drain(events).get(0).substring("created ".length());
        assertEquals("/ctx/page;jsessionid=" + id, fresh.get("/ctx/page"));
        assertEquals("/ctx/page;jsessionid=" + id + "?flag#top", fresh.get("/ctx/page?flag#top"));
        assertEquals("http://other.example/x", fresh.get("http://other.example/x"));
        assertEquals("relative;jsessionid=" + id, fresh.get("relative"));

        Map<String, String> withCookie = lines("/ctx/s/encode?" + urls, id);
        assertEquals("/ctx/page", withCookie.get("/ctx/page"));

        Map<String, String> noSession = lines("/ctx/s/encode?" + urls, null);
        assertEquals("/ctx/page", noSession.get("/ctx/page"));
        assertNull(noSession.get("session"));
    }

    // 7.1.1 and SessionCookieConfig: a configured cookie name and path
    @Test
    void configuredCookie() {
        try (ServletHost custom = TestWebApp.at("/ctx").servlet("session", SessionServlet.class, "/s/*")
                .sessionConfig(new SessionConfigModel(null, "SID", null, "/", false, null, null, Map.of(), null))
                .start()) {
            RecordingChannel c = TestWebApp.get(custom, "/ctx/s/create");
            String id = Hosts.lines(c.bodyText()).get("id");
            assertEquals(Set.of("SID=" + id, "Path=/"), cookie(c));
            Map<String, String> back = Hosts.lines(TestWebApp.get(custom, "/ctx/s/get", "HTTP_COOKIE",
                    "JSESSIONID=other; SID=" + id).bodyText());
            assertEquals(id, back.get("session"));
        }
    }
}
