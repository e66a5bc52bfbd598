package dev.malt.server.cache;

import dev.malt.protocol.UwsgiVars;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What may be cached, decided in the worker from the request and then from the response head. Correctness comes
 * first: a response meant for one client must never reach another.
 *
 * <p>A request may use the cache when it is a GET or HEAD without a body, a {@code cache-route} matches its URI (or
 * {@code cache-honor-cache-control} lets the app opt in), and it carries neither {@code Authorization} nor a session
 * cookie (unless the route says {@code ignore-authorization} / {@code ignore-cookies}). A session id in the URL
 * ({@code ;jsessionid=}) always bypasses. A client's own {@code Cache-Control: no-cache} is not obeyed, as nginx
 * and Varnish do by default: obeying it would let any client make the app run on every request.
 *
 * <p>A response may be stored when its status is allowed ({@code cache-statuses}), it sets no cookie, its
 * {@code Cache-Control} has none of {@code private}, {@code no-store}, {@code no-cache} (nor {@code Pragma:
 * no-cache}), it does not {@code Vary: *}, and it has a TTL: with {@code cache-honor-cache-control} the app's
 * {@code s-maxage}, else its {@code max-age}; otherwise the route's TTL.
 */
final class CacheRules {

    /** Always a session cookie, whatever the apps call theirs. */
    static final String JSESSIONID = "JSESSIONID";

    private final CacheSettings settings;
    private final Set<String> sessionCookies;
    private final List<String> sessionPathParameters;

    /**
     * @param sessionCookies the session cookie names of the app's contexts ({@code JSESSIONID} is always one)
     */
    CacheRules(CacheSettings settings, Set<String> sessionCookies) {
        this.settings = settings;
        Set<String> names = new TreeSet<>(sessionCookies);
        names.add(JSESSIONID);
        this.sessionCookies = Set.copyOf(names);
        this.sessionPathParameters = names.stream().map(n -> ";" + n.toLowerCase(Locale.ROOT) + "=").toList();
    }

    /**
     * A request that may use the cache.
     *
     * @param route    the matching route, or null when only the app's Cache-Control can make it cacheable
     * @param resource the URI and origin (see {@link CacheKeys#resource})
     * @param head     a HEAD: served from the GET entry, and filled by running the app as a GET
     * @param headers  the request's headers, lower-case names, repeated ones joined: what a Vary may select on
     */
    record Candidate(CacheRoute route, String resource, boolean head, Map<String, String> headers) {
    }

    /**
     * Whether and how long a response may be stored.
     *
     * @param ttlMillis how long it stays fresh; 0 when it must not be stored
     * @param vary      the header names it varies on, lower case and sorted
     */
    record Storability(long ttlMillis, List<String> vary) {
        static final Storability NO = new Storability(0, List.of());

        boolean storable() {
            return ttlMillis > 0;
        }
    }

    /** The candidate for {@code vars}, or null when the request must go to the app without the cache. */
    Candidate forRequest(UwsgiVars vars) {
        String method = vars.get("REQUEST_METHOD");
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            return null;
        }
        if (hasBody(vars) || vars.contains("HTTP_UPGRADE")) {
            return null;
        }
        String uri = requestUri(vars);
        CacheRoute route = null;
        for (CacheRoute candidate : settings.routes()) {
            if (candidate.matches(uri)) {
                route = candidate;
                break;
            }
        }
        if (route == null && !settings.honorCacheControl()) {
            return null;
        }
        boolean ignoreAuthorization = route != null && route.ignoreAuthorization();
        boolean ignoreCookies = route != null && route.ignoreCookies();
        if (!ignoreAuthorization && vars.contains("HTTP_AUTHORIZATION")) {
            return null;
        }
        if (!ignoreCookies && hasSessionCookie(vars)) {
            return null;
        }
        if (hasSessionPathParameter(uri)) {
            return null;
        }
        return new Candidate(route, CacheKeys.resource(uri, scheme(vars), host(vars)), head, headers(vars));
    }

    /** At the response head: whether the response may be stored, for how long, and on which headers it varies. */
    Storability forResponse(Candidate candidate, int status, List<Map.Entry<String, String>> headers) {
        if (!settings.statuses().contains(status)) {
            return Storability.NO;
        }
        List<String> cacheControl = new ArrayList<>();
        List<String> vary = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            String value = header.getValue() == null ? "" : header.getValue();
            switch (name) {
                case "set-cookie", "set-cookie2" -> {
                    return Storability.NO;
                }
                case "pragma" -> {
                    if (value.toLowerCase(Locale.ROOT).contains("no-cache")) {
                        return Storability.NO;
                    }
                }
                case "cache-control" -> cacheControl.add(value);
                case "vary" -> vary.add(value);
                default -> {
                }
            }
        }
        CacheControl directives = CacheControl.of(cacheControl);
        if (directives.has("private") || directives.has("no-store") || directives.has("no-cache")) {
            return Storability.NO;
        }
        List<String> varyNames = varyNames(vary);
        if (varyNames.contains("*")) {
            return Storability.NO;
        }
        long ttlSeconds = -1;
        if (settings.honorCacheControl()) {
            ttlSeconds = directives.seconds("s-maxage");
            if (ttlSeconds < 0) {
                ttlSeconds = directives.seconds("max-age");
            }
        }
        if (ttlSeconds < 0 && candidate.route() != null) {
            ttlSeconds = candidate.route().ttlSeconds();
        }
        if (ttlSeconds <= 0) {
            return Storability.NO;
        }
        return new Storability(Math.min(ttlSeconds, CacheRoute.MAX_TTL_SECONDS) * 1000, varyNames);
    }

    static List<String> varyNames(List<String> values) {
        TreeSet<String> names = new TreeSet<>();
        for (String value : values) {
            for (String name : value.split(",")) {
                String trimmed = name.strip().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    names.add(trimmed);
                }
            }
        }
        return List.copyOf(names);
    }

    /** REQUEST_URI as the client sent it; PATH_INFO and QUERY_STRING from a frontend that passes none. */
    static String requestUri(UwsgiVars vars) {
        String uri = vars.get("REQUEST_URI");
        if (uri != null && !uri.isEmpty()) {
            return uri;
        }
        String path = vars.get("PATH_INFO", "/");
        String query = vars.get("QUERY_STRING", "");
        return query.isEmpty() ? path : path + "?" + query;
    }

    private static boolean hasBody(UwsgiVars vars) {
        String length = vars.get("CONTENT_LENGTH");
        if (length != null && !length.isBlank() && !length.strip().equals("0")) {
            return true;
        }
        return vars.contains("HTTP_TRANSFER_ENCODING");
    }

    private boolean hasSessionCookie(UwsgiVars vars) {
        for (String line : vars.getAll("HTTP_COOKIE")) {
            for (String pair : line.split(";")) {
                int eq = pair.indexOf('=');
                String name = (eq < 0 ? pair : pair.substring(0, eq)).strip();
                if (sessionCookies.contains(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean hasSessionPathParameter(String uri) {
        if (uri.indexOf(';') < 0) {
            return false;
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        for (String parameter : sessionPathParameters) {
            if (lower.contains(parameter)) {
                return true;
            }
        }
        return false;
    }

    /** As the servlet layer decides it: UWSGI_SCHEME, then HTTPS, then REQUEST_SCHEME. */
    static String scheme(UwsgiVars vars) {
        String scheme = vars.get("UWSGI_SCHEME");
        if (scheme != null && scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return scheme.toLowerCase(Locale.ROOT);
        }
        String https = vars.get("HTTPS");
        if (https != null && (https.equalsIgnoreCase("on") || https.equals("1"))) {
            return "https";
        }
        scheme = vars.get("REQUEST_SCHEME");
        if (scheme != null && scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            return scheme.toLowerCase(Locale.ROOT);
        }
        return "http";
    }

    /** The Host header, else SERVER_NAME:SERVER_PORT. */
    static String host(UwsgiVars vars) {
        String host = vars.get("HTTP_HOST");
        if (host != null && !host.isBlank()) {
            return host.strip();
        }
        return vars.get("SERVER_NAME", "") + ":" + vars.get("SERVER_PORT", "");
    }

    /** HTTP_ACCEPT_LANGUAGE → accept-language; repeated headers joined as a proxy would ("; " for Cookie). */
    static Map<String, String> headers(UwsgiVars vars) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < vars.size(); i++) {
            String var = vars.name(i);
            if (!var.startsWith("HTTP_")) {
                continue;
            }
            String name = var.substring(5).toLowerCase(Locale.ROOT).replace('_', '-');
            String value = vars.value(i).strip();
            headers.merge(name, value, (a, b) -> a + (name.equals("cookie") ? "; " : ", ") + b);
        }
        return headers;
    }
}
