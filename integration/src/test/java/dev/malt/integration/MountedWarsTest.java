package dev.malt.integration;

import dev.malt.integration.support.BehindNginx;
import dev.malt.integration.support.Browser;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two WARs in one app with {@code mount = /shop=spring-mvc.war} and {@code mount = /guide=jsp.war}:
 * each answers under its own context path, builds its links and redirects with it, and scopes its
 * session cookie to it.
 */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MountedWarsTest {

    private BehindNginx app;

    @BeforeAll
    void start() {
        app = BehindNginx.start(MaltProcess.builder("two-wars")
                .option("mount", "/shop=" + Tools.war("spring-mvc"))
                .option("mount", "/guide=" + Tools.war("jsp"))
                .option("workers", "1"));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void springAppAnswersUnderItsContextPath() {
        HttpResponse home = app.get("/shop/");

        assertEquals(200, home.status(), home::toString);
        assertTrue(home.text().contains("<a href=\"/shop/items/tea\">Green tea</a>"), home::toString);
        assertTrue(home.text().contains("<link rel=\"stylesheet\" href=\"/shop/css/shop.css\">"), home::toString);
        HttpResponse css = app.get("/shop/css/shop.css");
        assertEquals(200, css.status(), css::toString);
        assertTrue(css.header("Content-Type").startsWith("text/css"), css::toString);
    }

    @Test
    void springRedirectAndSessionCookieCarryTheContextPath() {
        Browser browser = app.browser();
        HttpResponse added = browser.form("/shop/cart", "item", "mug");

        assertEquals(302, added.status(), added::toString);
        assertEquals("/shop/cart", Browser.locationTarget(added), added::toString);
        assertEquals("/shop", Browser.setCookieAttributes(added, "JSESSIONID").get("Path"), added::toString);

        HttpResponse cart = browser.follow(added);
        assertEquals(200, cart.status(), cart::toString);
        assertTrue(cart.text().contains("<p id=\"count\">1 item</p>"), cart::toString);
    }

    @Test
    void jspAppAnswersUnderItsContextPath() {
        HttpResponse index = app.get("/guide/");
        assertEquals(200, index.status(), index::toString);
        assertTrue(index.text().contains("<header class=\"site\"><a href=\"/guide/\">Malt JSP sample</a></header>"), index::toString);
        assertTrue(index.text().contains("<p class=\"el\">1 + 2 = 3; context path \"/guide\"</p>"), index::toString);
        assertTrue(index.text().contains("include request URI /guide/WEB-INF/fragments/clock.jsp; "
                + "include servlet path /WEB-INF/fragments/clock.jsp."), index::toString);

        HttpResponse forwarded = app.get("/guide/forward.jsp?item=5");
        assertTrue(forwarded.text().contains("<p class=\"forward-uri\">forward request URI /guide/forward.jsp</p>"), forwarded::toString);
        assertTrue(forwarded.text().contains("<p class=\"forward-servlet-path\">forward servlet path /forward.jsp</p>"),
                forwarded::toString);
        assertTrue(forwarded.text().contains("<p class=\"now-uri\">request URI now /guide/WEB-INF/views/result.jsp</p>"),
                forwarded::toString);

        HttpResponse missing = app.get("/guide/nope");
        assertEquals(404, missing.status(), missing::toString);
        assertTrue(missing.text().contains("<p class=\"missing\">Nothing at /guide/nope (status 404).</p>"), missing::toString);
    }

    @Test
    void eachContextHasItsOwnSessions() {
        Browser browser = app.browser();
        HttpResponse visits = browser.get("/guide/visits.jsp");
        assertEquals("/guide", Browser.setCookieAttributes(visits, "JSESSIONID").get("Path"), visits::toString);

        // The /guide cookie is not sent to /shop (its Path), so the shop starts a session of its own.
        HttpResponse added = browser.form("/shop/cart", "item", "tea");
        assertEquals(302, added.status(), added::toString);
        assertEquals("/shop", Browser.setCookieAttributes(added, "JSESSIONID").get("Path"), added::toString);
        assertNotNull(browser.cookie("JSESSIONID", "/guide"));
        assertNotEquals(browser.cookie("JSESSIONID", "/guide"), browser.cookie("JSESSIONID", "/shop"));

        HttpResponse second = browser.get("/guide/visits.jsp");
        assertTrue(second.text().contains("<p class=\"visits\">visits 2</p>"), second::toString);
        HttpResponse cart = browser.get("/shop/cart");
        assertTrue(cart.text().contains("<p id=\"count\">1 item</p>"), cart::toString);
    }

    @Test
    void pathsOutsideEveryContextAre404() {
        HttpResponse root = app.get("/");
        assertEquals(404, root.status(), root::toString);
        HttpResponse other = app.get("/shopping/cart");
        assertEquals(404, other.status(), other::toString);
    }
}
