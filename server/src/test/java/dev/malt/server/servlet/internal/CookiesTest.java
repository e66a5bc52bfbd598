package dev.malt.server.servlet.internal;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CookiesTest {

    @Test
    void parsesLeniently() {
        List<Cookie> cookies = RequestCookies.parse(" a=1;b = 2 ;; c=\"quoted value\"; d=; e=x=y; =skip; flag; $Path=/");
        assertEquals("a=1 b=2 c=\"quoted value\" d= e=x=y", render(cookies));
    }

    @Test
    void valuesLaxButNotStrictWouldDropArePassedOn() {
        assertEquals("j={\"x\":1} s=a b u=caf\u00e9", render(RequestCookies.parse("j={\"x\":1}; s=a b; u=caf\u00e9")));
    }

    @Test
    void quotesArePartOfTheValueAsServlet61Says() {
        // the request of the Servlet TCK's CookieTests.getValueQuotedTest
        List<Cookie> cookies = RequestCookies.parse("name1=\"value1\"; Domain=localhost; Path=/servlet_jsh_cookie_web");
        assertEquals("\"value1\"", cookies.get(0).getValue());
        assertEquals("\"a b\"", RequestCookies.parse("c = \"a b\" ").get(0).getValue());
    }

    @Test
    void rfc2109AttributesAreSkipped() {
        assertEquals("name1=value1", render(RequestCookies.parse("$Version=1; name1=value1; $Domain=h; $Path=/p")));
        assertEquals("a=1", render(RequestCookies.parse("a=1; $Path=/; $Port=80")));
    }

    @Test
    void skipsNamesTheServletApiRefuses() {
        assertEquals("ok=1", render(RequestCookies.parse("bad name=1; ok=1")));
        assertEquals("ok=1 ok2=3", render(RequestCookies.parse("ok=1; caf\u00e9=2; ok2=3")));
        assertEquals("ok=1 ok2=3", render(RequestCookies.parse("ok=1;ba\u0001d=2;ok2=3")));
    }

    @Test
    void cookiesAreCappedPerRequestNotPerHeader() {
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            header.append("c").append(i).append("=v; ");
        }
        assertEquals(300, RequestCookies.parse(header.toString()).size());
        List<Cookie> cookies = RequestCookies.parse(List.of(header.toString(), header.toString(), "last=1"));
        assertEquals(500, cookies.size());
        assertEquals("c199", cookies.get(499).getName(), "the first 500 in header order");
    }

    @Test
    void splitsApacheMergedCookieHeadersButKeepsCommasInsideValues() {
        assertEquals("a=1 b=2 c=3", render(RequestCookies.parse("a=1, b=2; c=3")));
        assertEquals("j={\"x\":1,\"y\":2} k=v", render(RequestCookies.parse("j={\"x\":1,\"y\":2}; k=v")));
        assertEquals("j={\"x\":1, \"y\":2} k=v", render(RequestCookies.parse("j={\"x\":1, \"y\":2}; k=v")));
        assertEquals("a=\"1\" b=2", render(RequestCookies.parse("a=\"1\", b=2")));
        assertEquals("a=x, y b=1", render(RequestCookies.parse("a=x, y; b=1")));
    }

    @Test
    void aCommaWithoutASpaceIsPartOfTheValue() {
        // Apache merges with ", "; a value such as k=v,k2=v2 is not two cookies
        assertEquals("prefs=lang=en,theme=dark", render(RequestCookies.parse("prefs=lang=en,theme=dark")));
    }

    @Test
    void formatsSetCookie() {
        Cookie cookie = new Cookie("id", "\"v\"");
        cookie.setHttpOnly(true);
        cookie.setAttribute("Partitioned", "");
        assertEquals("id=\"v\"; HttpOnly; Partitioned", SetCookieHeader.format(cookie));
    }

    @Test
    void refusesValuesAndAttributesThatBreakTheHeader() {
        for (String value : new String[] {"a b", "a,b", "a\"b", "caf\u00e9", "a\\b"}) {
            assertThrows(IllegalArgumentException.class, () -> SetCookieHeader.format(new Cookie("c", value)), value);
        }
        Cookie cookie = new Cookie("c", "v");
        cookie.setPath("/a;Domain=evil");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SetCookieHeader.format(cookie));
        assertTrue(e.getMessage().contains("Path"), e.getMessage());
    }

    private static String render(List<Cookie> cookies) {
        StringBuilder out = new StringBuilder();
        for (Cookie cookie : cookies) {
            out.append(out.length() == 0 ? "" : " ").append(cookie.getName()).append('=').append(cookie.getValue());
        }
        return out.toString();
    }
}
