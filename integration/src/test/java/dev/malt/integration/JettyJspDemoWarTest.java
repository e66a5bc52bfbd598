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

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A third-party WAR, unchanged from Maven Central: Eclipse Jetty's JSP demo
 * ({@code org.eclipse.jetty.ee10.demos:jetty-ee10-demo-jsp-webapp}), deployed with {@code war =} and
 * clicked through as its index page invites: embedded Java, session beans, a classic tag and a SimpleTag
 * from TLDs under WEB-INF, a tag file and EL. Its WEB-INF/jetty-web.xml is Jetty's own and must be ignored.
 * Two of its pages (jstl.jsp, and the {@code <jsp-file>} servlet at /foo/) need JSTL, which the WAR does
 * not carry: Jetty ships JSTL beside its JSP engine; Malt, like Tomcat, expects a WAR to bring it.
 */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JettyJspDemoWarTest {

    private BehindNginx app;

    @BeforeAll
    void start() {
        app = BehindNginx.start(MaltProcess.war("jetty-demo-jsp", Tools.war("jetty-demo-jsp")));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void indexPageListsTheExamples() {
        HttpResponse index = app.get("/");
        String html = index.text();

        assertEquals(200, index.status(), index::toString);
        assertEquals("text/html;charset=UTF-8", SpringMvcWarTest.normalized(index.header("Content-Type")), index::toString);
        assertTrue(html.contains("<h1>Eclipse Jetty JSP Demo Webapp</h1>"), index::toString);
        assertTrue(Pattern.compile("<h2>JSP Examples on \\d{1,2} \\p{L}+ \\d{4}</h2>").matcher(html).find(),
                () -> "the date from the page's scriptlet:\n" + index);
        for (String link : List.of("dump.jsp", "bean1.jsp", "tag.jsp", "tag2.jsp", "tagfile.jsp", "expr.jsp?A=1", "jstl.jsp", "foo/")) {
            assertTrue(html.contains("<a href=\"" + link + "\">"), () -> "a link to " + link + ":\n" + index);
        }
    }

    @Test
    void dumpShowsTheRequest() {
        HttpResponse dump = app.get("/dump.jsp?colour=blue");
        String html = dump.text();

        assertEquals(200, dump.status(), dump::toString);
        assertTrue(html.contains("<tr><th>Protocol:</th><td>HTTP/1.1</td></tr>"), dump::toString);
        assertTrue(html.contains("<tr><th>Request URI:</th><td>/dump.jsp</td></tr>"), dump::toString);
        assertTrue(html.contains("<tr><th>ServletPath:</th><td>/dump.jsp</td></tr>"), dump::toString);
        assertTrue(html.contains("<tr><th>PathInfo:</th><td>null</td></tr>"), dump::toString);
        assertTrue(html.contains("<th>getParameter(\"colour\")</th>\n  <td>blue</td></tr>"), dump::toString);
    }

    @Test
    void sessionBeanCountsAcrossTwoPages() {
        Browser browser = app.browser();
        HttpResponse first = browser.get("/bean1.jsp");
        assertEquals(200, first.status(), first::toString);
        assertTrue(first.text().contains("<h1>JSP1.2 Beans: 1</h1>"), first::toString);
        assertTrue(first.text().contains("Counter accessed 1 times."), first::toString);
        assertTrue(first.text().contains("Counter last accessed by null"), first::toString);

        HttpResponse second = browser.get("/bean2.jsp");
        assertTrue(second.text().contains("<h1>JSP1.2 Beans: 2</h1>"), second::toString);
        assertTrue(second.text().contains("Counter accessed 2 times."), () -> "the bean lives in the session:\n" + second);
        assertTrue(second.text().contains("Counter last accessed by /bean1.jsp"), second::toString);

        HttpResponse third = browser.get("/bean1.jsp");
        assertTrue(third.text().contains("Counter accessed 3 times."), third::toString);
        assertTrue(third.text().contains("Counter last accessed by /bean2.jsp"), third::toString);
    }

    @Test
    void classicBodyTagFormatsTheDateInTwoZones() {
        HttpResponse page = app.get("/tag.jsp");

        assertEquals(200, page.status(), page::toString);
        assertTrue(Pattern.compile("\\n\\w{3}, \\d{2}/\\w{3}/\\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000\\n").matcher(page.text()).find(),
                () -> "<acme:date tz=\"GMT\">:\n" + page);
        assertTrue(Pattern.compile("\\n\\w{3}, \\d{2}-\\w{3}-\\d{4} \\d{2}:\\d{2}:\\d{2} -0[45]00\\n").matcher(page.text()).find(),
                () -> "<acme:date tz=\"EST\">:\n" + page);
    }

    @Test
    void simpleTagExportsVariablesToItsBody() {
        HttpResponse page = app.get("/tag2.jsp");

        assertEquals(200, page.status(), page::toString);
        assertTrue(Pattern.compile("On \\w+ the \\d{1,2} of \\w+ in the year \\d{4}").matcher(page.text()).find(), page::toString);
        assertTrue(Pattern.compile("\\d{1,2} - \\d{1,2} - \\d{2}").matcher(page.text()).find(), page::toString);
    }

    @Test
    void tagFileDrawsNestedPanels() {
        HttpResponse page = app.get("/tagfile.jsp");
        String html = page.text();

        assertEquals(200, page.status(), page::toString);
        assertTrue(html.contains("<h1>JSP 2.0 Tag File Example</h1>"), page::toString);
        for (String panel : List.of("Panel 1", "Panel 2", "Panel 3", "Inner")) {
            assertTrue(html.contains("<td><b>" + panel + "</b></td>"), () -> panel + ":\n" + page);
        }
        assertTrue(html.contains("<table border=\"1\" bgcolor=\"#ff8080\">"), page::toString);
        assertTrue(html.contains("A panel in a panel."), page::toString);
    }

    @Test
    void expressionsSeeParametersAndHeaders() {
        HttpResponse page = app.get("/expr.jsp?A=21");
        String html = page.text();

        assertEquals(200, page.status(), page::toString);
        assertTrue(html.contains("<td>${param[\"A\"]}</td>\n    <td>21&nbsp;</td>"), page::toString);
        // Debian's uwsgi_params passes "uwsgi_param HTTP_HOST $host": the host without its port
        assertTrue(html.contains("<td>${header[\"host\"]}</td>\n    <td>127.0.0.1</td>"),
                () -> "the Host header as nginx passes it:\n" + page);
        assertTrue(html.contains("<td>${1+1}</td>\n    <td>2</td>"), page::toString);
        assertTrue(html.contains("<td>${param[\"A\"] * 2}</td>\n    <td>42&nbsp;</td>"), page::toString);
    }


    @Test
    void staticFilesComeFromTheWar() {
        HttpResponse css = app.get("/demo.css");
        assertEquals(200, css.status(), css::toString);
        assertTrue(css.header("Content-Type").startsWith("text/css"), css::toString);

        HttpResponse gif = app.get("/small_powered_by.gif");
        assertEquals(200, gif.status(), gif::toString);
        assertEquals("image/gif", gif.header("Content-Type"), gif::toString);
        assertArrayEquals(WarEntries.read(Tools.war("jetty-demo-jsp"), "small_powered_by.gif"), gif.body());
    }

    @Test
    void containerSpecificFilesAreNotServed() {
        HttpResponse jettyWeb = app.get("/WEB-INF/jetty-web.xml");
        assertEquals(404, jettyWeb.status(), jettyWeb::toString);
    }
}
