package dev.malt.integration;

import dev.malt.integration.support.BehindNginx;
import dev.malt.integration.support.Browser;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Tools;
import dev.malt.integration.support.WarEntries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSP sample WAR ({@code webapps/jsp}) deployed unchanged with {@code war =}, through nginx: pages
 * compiled by Jasper with static and dynamic includes, forwards, the WAR's own tag library and tag file,
 * JSTL from its WEB-INF/lib, EL, a session, a web.xml filter and web.xml error pages.
 */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JspWarTest {

    private BehindNginx app;

    @BeforeAll
    void start() {
        app = BehindNginx.start(MaltProcess.war("jsp-sample", Tools.war("jsp")));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void indexPageRendersIncludesTagsJstlAndEl() {
        HttpResponse page = app.get("/index.jsp?name=Zo%C3%AB");
        String html = page.text();

        assertEquals(200, page.status(), page::toString);
        assertEquals("text/html;charset=UTF-8", SpringMvcWarTest.normalized(page.header("Content-Type")), page::toString);
        assertEquals("jsp-sample", page.header("X-Sample-Filter"), () -> "the web.xml filter ran:\n" + page);
        assertTrue(html.contains("<header class=\"site\"><a href=\"/\">Malt JSP sample</a></header>"),
                () -> "<%@ include %> of the header, with ${initParam.siteName} from a context-param:\n" + page);
        assertTrue(html.contains("<p class=\"banner\">static include ok</p>"),
                () -> "a variable declared in the statically included file:\n" + page);
        assertTrue(html.contains("<p class=\"greeting\">Hello, Zoë!</p>"), () -> "the TLD's SimpleTag, UTF-8 query:\n" + page);
        assertTrue(html.contains("<p class=\"el\">1 + 2 = 3; context path \"\"</p>"), page::toString);
        assertTrue(html.contains("<div class=\"box\"><h2>Squares</h2><span class=\"square\">1</span><span class=\"square\">4</span>"
                + "<span class=\"square\">9</span><span class=\"square\">16</span></div>"),
                () -> "the tag file around a JSTL c:forEach:\n" + page);
        assertTrue(html.contains("<p class=\"repeat\">[1][2][3]</p>"), () -> "a SimpleTag invoking its body:\n" + page);
        assertTrue(html.contains("<p class=\"fmt\">1,234.50</p>"), () -> "JSTL fmt:\n" + page);
        assertTrue(html.contains("<p class=\"included\">Included page for zone UTC; include request URI /WEB-INF/fragments/clock.jsp; "
                + "include servlet path /WEB-INF/fragments/clock.jsp.</p>"),
                () -> "<jsp:include> with a <jsp:param> and the include attributes:\n" + page);
        assertTrue(html.contains("<footer class=\"site\">Served by a servlet container.</footer>"), page::toString);
    }

    @Test
    void welcomeFileServesTheIndexAndTagOutputIsEscaped() {
        HttpResponse page = app.get("/?name=%3Cscript%3E");

        assertEquals(200, page.status(), page::toString);
        assertTrue(page.text().contains("<p class=\"greeting\">Hello, &lt;script&gt;!</p>"), page::toString);
        assertTrue(page.text().contains("<p class=\"banner\">static include ok</p>"), page::toString);
    }

    @Test
    void jspForwardDiscardsTheBufferAndSetsTheForwardAttributes() {
        HttpResponse page = app.get("/forward.jsp?item=42");
        String html = page.text();

        assertEquals(200, page.status(), page::toString);
        assertFalse(html.contains("discarded"), () -> "text before <jsp:forward> is dropped:\n" + page);
        assertTrue(html.contains("<p class=\"via\">via jsp-forward</p>"), () -> "the forward's <jsp:param>:\n" + page);
        assertTrue(html.contains("<p class=\"item\">item 42</p>"), () -> "the original query survives:\n" + page);
        assertTrue(html.contains("<p class=\"forward-uri\">forward request URI /forward.jsp</p>"), page::toString);
        assertTrue(html.contains("<p class=\"forward-servlet-path\">forward servlet path /forward.jsp</p>"), page::toString);
        assertTrue(html.contains("<p class=\"forward-query\">forward query string item=42</p>"), page::toString);
        assertTrue(html.contains("<p class=\"now-uri\">request URI now /WEB-INF/views/result.jsp</p>"), page::toString);
    }

    @Test
    void servletForwardsToAJspUnderWebInf() {
        HttpResponse page = app.get("/go?item=7");
        String html = page.text();

        assertEquals(200, page.status(), page::toString);
        assertTrue(html.contains("<p class=\"via\">via servlet</p>"), () -> "the request attribute set by @WebServlet:\n" + page);
        assertTrue(html.contains("<p class=\"item\">item 7</p>"), page::toString);
        assertTrue(html.contains("<p class=\"forward-uri\">forward request URI /go</p>"), page::toString);
        assertTrue(html.contains("<p class=\"forward-servlet-path\">forward servlet path /go</p>"), page::toString);
        assertTrue(html.contains("<p class=\"forward-query\">forward query string item=7</p>"), page::toString);
    }

    @Test
    void sessionScopedCounterCountsPerVisitor() {
        Browser visitor = app.browser();
        for (int visit = 1; visit <= 3; visit++) {
            HttpResponse page = visitor.get("/visits.jsp");
            assertEquals(200, page.status(), page::toString);
            String expected = "<p class=\"visits\">visits " + visit + "</p>";
            assertTrue(page.text().contains(expected), () -> expected + " expected:\n" + page);
        }
        HttpResponse other = app.browser().get("/visits.jsp");
        assertTrue(other.text().contains("<p class=\"visits\">visits 1</p>"), () -> "a new visitor starts at 1:\n" + other);
    }

    @Test
    void anExceptionInAPageGoesToTheWebXmlErrorPage() {
        HttpResponse ok = app.get("/divide.jsp?by=4");
        assertEquals(200, ok.status(), ok::toString);
        assertTrue(ok.text().contains("<p class=\"result\">100 / 4 = 25</p>"), ok::toString);

        HttpResponse page = app.get("/divide.jsp?by=0");
        String html = page.text();
        assertEquals(500, page.status(), page::toString);
        assertEquals("text/html;charset=UTF-8", SpringMvcWarTest.normalized(page.header("Content-Type")), page::toString);
        assertTrue(html.contains("<h1>Something went wrong</h1>"), page::toString);
        assertTrue(html.contains("<p class=\"exception\">java.lang.ArithmeticException: / by zero</p>"),
                () -> "the implicit 'exception' object of an isErrorPage page:\n" + page);
        assertTrue(html.contains("<p class=\"status\">status 500</p>"), () -> "pageContext.errorData.statusCode:\n" + page);
        assertTrue(html.contains("<p class=\"uri\">while serving /divide.jsp</p>"), () -> "pageContext.errorData.requestURI:\n" + page);
    }

    @Test
    void missingPagesGetTheWebXml404Page() {
        for (String target : new String[] {"/no-such-page", "/missing.jsp"}) {
            HttpResponse page = app.get(target);
            assertEquals(404, page.status(), page::toString);
            assertTrue(page.text().contains("<p class=\"missing\">Nothing at " + target + " (status 404).</p>"), page::toString);
        }
    }

    @Test
    void webInfAndMetaInfAreNeverServed() {
        for (String target : new String[] {"/WEB-INF/web.xml", "/WEB-INF/tlds/sample.tld", "/WEB-INF/views/result.jsp",
                "/META-INF/MANIFEST.MF", "/web-inf/web.xml"}) {
            HttpResponse page = app.get(target);
            assertEquals(404, page.status(), page::toString);
            assertFalse(page.text().contains("<web-app") || page.text().contains("<taglib"), page::toString);
        }
    }

    @Test
    void staticFileComesFromTheWar() {
        HttpResponse css = app.get("/css/site.css");

        assertEquals(200, css.status(), css::toString);
        assertTrue(css.header("Content-Type").startsWith("text/css"), css::toString);
        assertArrayEquals(WarEntries.read(Tools.war("jsp"), "css/site.css"), css.body());
    }
}
