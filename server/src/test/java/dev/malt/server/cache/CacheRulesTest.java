package dev.malt.server.cache;

import dev.malt.protocol.UwsgiVars;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which requests may use the cache and which responses may be stored: correctness first. */
class CacheRulesTest {

    static CacheSettings settings(boolean honor, Set<Integer> statuses, String... routes) {
        return new CacheSettings(java.util.Arrays.stream(routes).map(CacheRoute::parse).toList(), honor, statuses,
                new CacheSettings.Store(1 << 20, 64 * 1024, 5_000, 100, Optional.empty()));
    }

    private final CacheRules rules = new CacheRules(settings(false, Set.of(200), "^/products/ 60",
            "^/public/ 30 ignore-cookies ignore-authorization"), Set.of("SHOPSESSION"));

    static UwsgiVars.Builder get(String uri) {
        return UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", uri).add("CONTENT_LENGTH", "")
                .add("REQUEST_SCHEME", "http").add("SERVER_NAME", "localhost").add("SERVER_PORT", "80")
                .add("HTTP_HOST", "Shop.Example:8080");
    }

    @Test
    void getAndHeadUnderARouteAreCandidatesKeyedByUriSchemeAndHost() {
        CacheRules.Candidate candidate = rules.forRequest(get("/products/1?x=2").add("HTTP_ACCEPT_LANGUAGE", "fr")
                .add("HTTP_COOKIE", "a=1").add("HTTP_COOKIE", "b=2").build());
        assertNotNull(candidate);
        assertEquals("/products/1?x=2\nhttp://shop.example:8080", candidate.resource());
        assertEquals(60, candidate.route().ttlSeconds());
        assertFalse(candidate.head());
        assertEquals("fr", candidate.headers().get("accept-language"));
        assertEquals("a=1; b=2", candidate.headers().get("cookie"));
        CacheRules.Candidate head = rules.forRequest(UwsgiVars.builder().add("REQUEST_METHOD", "HEAD")
                .add("REQUEST_URI", "/products/1?x=2").add("HTTP_HOST", "shop.example:8080").build());
        assertTrue(head.head());
        assertEquals(candidate.resource(), head.resource(), "HEAD uses the GET entry");
        assertEquals("/products/1\nhttps://shop.example:8080", rules.forRequest(get("/products/1")
                .add("UWSGI_SCHEME", "https").build()).resource());
    }

    @Test
    void otherMethodsUnroutedUrisBodiesAndUpgradesBypass() {
        assertNull(rules.forRequest(UwsgiVars.builder().add("REQUEST_METHOD", "POST").add("REQUEST_URI", "/products/")
                .build()));
        assertNull(rules.forRequest(get("/cart").build()));
        assertNull(rules.forRequest(UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("CONTENT_LENGTH", "12")
                .add("REQUEST_URI", "/products/").build()));
        assertNull(rules.forRequest(get("/products/").add("HTTP_TRANSFER_ENCODING", "chunked").build()));
        assertNull(rules.forRequest(get("/products/").add("HTTP_UPGRADE", "websocket").build()));
    }

    @Test
    void authorizationAndSessionsBypassUnlessTheRouteSaysOtherwise() {
        assertNull(rules.forRequest(get("/products/").add("HTTP_AUTHORIZATION", "Basic eDp5").build()));
        assertNull(rules.forRequest(get("/products/").add("HTTP_COOKIE", "theme=dark; JSESSIONID=abc").build()));
        assertNull(rules.forRequest(get("/products/").add("HTTP_COOKIE", "SHOPSESSION=abc").build()),
                "the app's own session cookie name");
        assertNull(rules.forRequest(get("/products/;jsessionid=abc").build()), "a session id in the URL");
        assertNull(rules.forRequest(get("/public/x;JSESSIONID=abc").build()), "even with ignore-cookies");
        assertNotNull(rules.forRequest(get("/products/").add("HTTP_COOKIE", "theme=dark; JSESSIONIDX=1").build()),
                "other cookies do not make a session");
        assertNotNull(rules.forRequest(get("/public/").add("HTTP_COOKIE", "JSESSIONID=abc").build()));
        assertNotNull(rules.forRequest(get("/public/").add("HTTP_AUTHORIZATION", "Basic eDp5").build()));
    }

    @Test
    void aClientsNoCacheIsNotObeyed() {
        assertNotNull(rules.forRequest(get("/products/").add("HTTP_CACHE_CONTROL", "no-cache")
                .add("HTTP_PRAGMA", "no-cache").build()));
    }

    private CacheRules.Storability response(CacheRules rules, String uri, int status, String... headers) {
        java.util.List<Map.Entry<String, String>> list = new java.util.ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        return rules.forResponse(rules.forRequest(get(uri).build()), status, list);
    }

    @Test
    void storableResponsesTakeTheRoutesTtl() {
        CacheRules.Storability ok = response(rules, "/products/1", 200, "Content-Type", "text/html", "ETag", "\"1\"");
        assertEquals(60_000, ok.ttlMillis());
        assertEquals(List.of(), ok.vary());
        assertEquals(60_000, response(rules, "/products/1", 200, "Cache-Control", "max-age=5").ttlMillis(),
                "without cache-honor-cache-control the operator's TTL holds");
    }

    @Test
    void cookiesPrivateNoStoreNoCacheOtherStatusesAndVaryStarAreNeverStored() {
        assertFalse(response(rules, "/products/1", 200, "Set-Cookie", "a=1").storable());
        assertFalse(response(rules, "/products/1", 200, "set-cookie2", "a=1").storable());
        assertFalse(response(rules, "/products/1", 200, "Cache-Control", "Private").storable());
        assertFalse(response(rules, "/products/1", 200, "Cache-Control", "public, no-store").storable());
        assertFalse(response(rules, "/products/1", 200, "Cache-Control", "no-cache=\"Set-Cookie\"").storable());
        assertFalse(response(rules, "/products/1", 200, "Pragma", "no-cache").storable());
        assertFalse(response(rules, "/products/1", 404).storable());
        assertFalse(response(rules, "/products/1", 500).storable());
        assertFalse(response(rules, "/products/1", 200, "Vary", "Accept-Encoding, *").storable());
        CacheRules notFoundToo = new CacheRules(settings(false, Set.of(200, 404), "^/ 5"), Set.of());
        assertTrue(response(notFoundToo, "/gone", 404).storable());
    }

    @Test
    void varyNamesAreNormalized() {
        CacheRules.Storability varies = response(rules, "/products/1", 200, "Vary", "Accept-Language, accept-encoding",
                "vary", " Accept-Language ");
        assertEquals(List.of("accept-encoding", "accept-language"), varies.vary());
    }

    @Test
    void honoringCacheControlSMaxageWinsOverMaxAgeAndOptsUnroutedUrisIn() {
        CacheRules honor = new CacheRules(settings(true, Set.of(200), "^/products/ 60"), Set.of());
        assertEquals(30_000, response(honor, "/other", 200, "Cache-Control", "public, max-age=10, s-maxage=30")
                .ttlMillis());
        assertEquals(10_000, response(honor, "/other", 200, "Cache-Control", "max-age=10").ttlMillis());
        assertEquals(5_000, response(honor, "/products/1", 200, "Cache-Control", "max-age=5").ttlMillis(),
                "the app's own freshness wins over the route's");
        assertEquals(60_000, response(honor, "/products/1", 200).ttlMillis());
        assertFalse(response(honor, "/other", 200).storable(), "no route and no freshness from the app");
        assertFalse(response(honor, "/other", 200, "Cache-Control", "s-maxage=0, max-age=60").storable());
        assertFalse(response(honor, "/other", 200, "Cache-Control", "max-age=60, private").storable());
    }
}
