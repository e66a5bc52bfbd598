package dev.malt.server.cache;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheRouteTest {

    @Test
    void regexTtlAndFlags() {
        CacheRoute route = CacheRoute.parse("  ^/public/   60  IGNORE-COOKIES ignore-authorization ");
        assertEquals(60, route.ttlSeconds());
        assertTrue(route.ignoreCookies());
        assertTrue(route.ignoreAuthorization());
        assertTrue(route.matches("/public/a?b=1"));
        assertFalse(route.matches("/private/public/"));
        assertEquals("^/public/ 60 ignore-cookies ignore-authorization", CacheRoute.normalize(
                "^/public/   60  IGNORE-COOKIES ignore-authorization"));
    }

    @Test
    void theRegexSearchesTheUriWithItsQueryAsUwsgiRoutesDo() {
        CacheRoute route = CacheRoute.parse("page=\\d+$ 10");
        assertTrue(route.matches("/list?page=3"));
        assertFalse(route.matches("/list?page=3&x"));
        assertFalse(route.ignoreCookies());
    }

    @Test
    void badValuesSayWhatToWrite() {
        assertEquals("'^/x/' is not REGEX TTL; write e.g. ^/products/ 60 (cache URIs starting with /products/ for 60"
                + " seconds)", message("^/x/"));
        assertTrue(message("^/x/( 60").startsWith("'^/x/(' is not a valid regular expression (Unclosed group"),
                message("^/x/( 60"));
        assertEquals("the TTL '1m' is not a whole number of seconds; write e.g. ^/products/ 60", message("^/ 1m"));
        assertEquals("the TTL 0 is out of range; use 1 to 31536000 seconds", message("^/ 0"));
        assertEquals("unknown flag 'ignore-cookie' (did you mean 'ignore-cookies'?); a cache-route takes"
                + " ignore-cookies or ignore-authorization after the TTL", message("^/ 5 ignore-cookie"));
        assertEquals("unknown flag 'public'; a cache-route takes ignore-cookies or ignore-authorization after the TTL",
                message("^/ 5 public"));
    }

    @Test
    void statusesAndBackends() {
        assertEquals("200,301,404", CacheSettings.normalizeStatuses("404, 200 301"));
        assertEquals("206 answers one client's conditional or range request and cannot be served to others;"
                + " remove it", assertThrows(IllegalArgumentException.class,
                () -> CacheSettings.normalizeStatuses("200,206")).getMessage());
        assertEquals("'2OO' is not an HTTP status; write e.g. 200,301,404", assertThrows(IllegalArgumentException.class,
                () -> CacheSettings.normalizeStatuses("2OO")).getMessage());
        assertEquals("memory", CacheSettings.normalizeBackend("MEMORY"));
        assertEquals("redis://127.0.0.1:6379/2", CacheSettings.normalizeBackend("redis://127.0.0.1:6379/2"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CacheSettings.normalizeBackend("memcached://x:1")).getMessage().contains("neither memory nor"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CacheSettings.normalizeBackend("redis://x:1/db")).getMessage().contains("not a database number"));
        assertEquals("redis://***@host:1/0", RedisStore.safe("redis://:secret@host:1/0"));
    }

    private static String message(String value) {
        return assertThrows(IllegalArgumentException.class, () -> CacheRoute.parse(value)).getMessage();
    }
}
