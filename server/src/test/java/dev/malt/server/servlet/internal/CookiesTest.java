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
        assertEquals("a=1 b=2 c=quoted value d= e=x=y", render(cookies));
    }

    @Test
    void skipsNamesTheServletApiRefuses() {
        assertEquals("ok=1", render(RequestCookies.parse("bad name=1; ok=1")));
    }

    @Test
    void splitsApacheMergedCookieHeadersButKeepsCommasInsideValues() {
        assertEquals("a=1 b=2 c=3", render(RequestCookies.parse("a=1, b=2; c=3")));
        assertEquals("j={\"x\":1,\"y\":2} k=v", render(RequestCookies.parse("j={\"x\":1,\"y\":2}; k=v")));
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
