package dev.malt.integration;

import dev.malt.integration.support.BehindNginx;
import dev.malt.integration.support.Browser;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.Json;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Tools;
import dev.malt.integration.support.WarEntries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring MVC sample WAR ({@code webapps/spring-mvc}) deployed unchanged with {@code war =}, through
 * nginx: Spring's ServletContainerInitializer starts the DispatcherServlet (there is no web.xml), and a
 * user browses the shop, fills in the contact form and fills a cart kept in the session.
 */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SpringMvcWarTest {

    private static final String HTML = "text/html;charset=UTF-8";

    private BehindNginx app;

    @BeforeAll
    void start() {
        app = BehindNginx.start(MaltProcess.war("spring-shop", Tools.war("spring-mvc")));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void homePageListsTheCatalogWithLinksUnderTheContextPath() {
        HttpResponse home = app.get("/");

        assertEquals(200, home.status(), home::toString);
        assertEquals(HTML, normalized(home.header("Content-Type")), home::toString);
        assertTrue(home.text().contains("<h1>Malt Shop</h1>"), home::toString);
        assertTrue(home.text().contains("<a href=\"/items/tea\">Green tea</a>"), home::toString);
        assertTrue(home.text().contains("<a href=\"/items/unicorn\">Unicorn figurine</a>"), home::toString);
    }

    @Test
    void staticFileIsServedByTheContainersDefaultServletThroughSpring() {
        // Spring's DefaultServletHttpRequestHandler forwards to the container's servlet named "default".
        HttpResponse css = app.get("/css/shop.css");

        assertEquals(200, css.status(), css::toString);
        assertTrue(css.header("Content-Type").startsWith("text/css"), css::toString);
        assertArrayEquals(WarEntries.read(Tools.war("spring-mvc"), "css/shop.css"), css.body());
    }

    @Test
    void itemPageAndAControllerAdviceNotFoundPage() {
        HttpResponse tea = app.get("/items/tea");
        assertEquals(200, tea.status(), tea::toString);
        assertTrue(tea.text().contains("<p class=\"price\">4.50 EUR</p>"), tea::toString);

        HttpResponse missing = app.get("/items/kettle");
        assertEquals(404, missing.status(), "@ControllerAdvice maps UnknownItemException to 404:\n" + missing);
        assertEquals(HTML, normalized(missing.header("Content-Type")), missing::toString);
        assertTrue(missing.text().contains("<h1>No such item</h1>"), missing::toString);
        assertTrue(missing.text().contains("<p class=\"error\">We do not sell \"kettle\".</p>"), missing::toString);
    }

    @Test
    void contactFormIsShownEmpty() {
        HttpResponse form = app.get("/contact");

        assertEquals(200, form.status(), form::toString);
        assertTrue(form.text().contains("<form method=\"post\" action=\"/contact\">"), form::toString);
        assertFalse(form.text().contains("class=\"errors\""), form::toString);
    }

    @Test
    void invalidFormPostComesBackWithErrorsAndTheEnteredValuesEscaped() {
        HttpResponse answer = app.browser().form("/contact", "name", "  ", "email", "<b>not-an-address</b>",
                "message", "Hello");

        assertEquals(422, answer.status(), answer::toString);
        assertEquals(HTML, normalized(answer.header("Content-Type")), answer::toString);
        assertTrue(answer.text().contains("<li data-field=\"name\">Please tell us your name.</li>"), answer::toString);
        assertTrue(answer.text().contains("<li data-field=\"email\">That is not an e-mail address.</li>"), answer::toString);
        assertTrue(answer.text().contains("value=\"&lt;b&gt;not-an-address&lt;/b&gt;\""), answer::toString);
        assertTrue(answer.text().contains("<textarea name=\"message\">Hello</textarea>"), answer::toString);
    }

    @Test
    void validFormPostRedirectsAndTheFlashMessageSurvivesTheRedirectOnce() {
        Browser browser = app.browser();
        HttpResponse posted = browser.form("/contact", "name", "Zoë Ångström", "email", "zoe@example.org",
                "message", "Grüße aus Malt");

        assertEquals(302, posted.status(), "POST-redirect-GET:\n" + posted);
        assertEquals("/contact/thanks", Browser.locationTarget(posted), posted::toString);
        // The flash attribute rides in the session, so the redirect sets the session cookie.
        assertNotNull(browser.cookie("JSESSIONID"), posted::toString);

        HttpResponse thanks = browser.follow(posted);
        assertEquals(200, thanks.status(), thanks::toString);
        assertTrue(thanks.text().contains("<p id=\"thanks\">Thank you, Zoë Ångström. We will write to zoe@example.org.</p>"),
                () -> "the UTF-8 form fields, through the flash attribute:\n" + thanks);

        HttpResponse again = browser.get("/contact/thanks");
        assertTrue(again.text().contains("<p id=\"thanks\">Nothing was sent.</p>"), () -> "a flash is shown once:\n" + again);
    }

    @Test
    void cartLivesInTheSessionAcrossRequests() {
        Browser browser = app.browser();
        HttpResponse first = browser.form("/cart", "item", "tea");

        assertEquals(302, first.status(), first::toString);
        assertEquals("/cart", Browser.locationTarget(first), "redirects to the cart, with no ;jsessionid:\n" + first);
        String session = browser.cookie("JSESSIONID");
        assertNotNull(session, "the first add creates the session:\n" + first);
        Map<String, String> cookie = Browser.setCookieAttributes(first, "JSESSIONID");
        assertEquals("/", cookie.get("Path"), first::toString);
        assertTrue(cookie.containsKey("HttpOnly"), first::toString);

        HttpResponse second = browser.form("/cart", "item", "tea");
        assertEquals(302, second.status(), second::toString);
        assertTrue(second.headers("Set-Cookie").isEmpty(), () -> "the session is reused, not replaced:\n" + second);
        browser.form("/cart", "item", "mug");

        HttpResponse cart = browser.get("/cart");
        assertEquals(200, cart.status(), cart::toString);
        assertTrue(cart.text().contains("<p id=\"count\">3 items</p>"), cart::toString);
        assertTrue(cart.text().contains("<li>Green tea x 2</li>\n<li>Stoneware mug x 1</li>"), cart::toString);

        HttpResponse json = browser.get("/api/cart");
        assertEquals(200, json.status(), json::toString);
        assertTrue(json.header("Content-Type").startsWith("application/json"), json::toString);
        Map<String, Object> body = Json.parseObject(json.text());
        assertEquals(Map.of("tea", 2L, "mug", 1L), body.get("items"), json::toString);
        assertEquals(3L, body.get("count"), json::toString);
        assertEquals(session, body.get("session"), json::toString);

        HttpResponse stranger = app.browser().get("/cart");
        assertTrue(stranger.text().contains("<p id=\"count\">0 items</p>"), () -> "another visitor has an empty cart:\n" + stranger);
    }

    @Test
    void outOfStockIsAControllerAdviceConflictPage() {
        Browser browser = app.browser();
        HttpResponse answer = browser.form("/cart", "item", "unicorn");

        assertEquals(409, answer.status(), answer::toString);
        assertEquals(HTML, normalized(answer.header("Content-Type")), answer::toString);
        assertTrue(answer.text().contains("<p class=\"error\">Sorry, Unicorn figurine is out of stock.</p>"), answer::toString);
        assertNull(answer.header("Location"), answer::toString);
    }

    /** {@code text/html; charset=utf-8} and {@code text/html;charset=UTF-8} say the same. */
    static String normalized(String contentType) {
        return contentType == null ? null : contentType.replace(" ", "").replace("utf-8", "UTF-8");
    }
}
