package dev.malt.integration.support;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What a browser does between requests, over {@link RawHttp}: it keeps the cookies that responses set
 * (by name and Path, dropping those set to expire) and sends back those whose Path covers the request,
 * and it can follow a redirect. One request per connection, as RawHttp does.
 *
 * <pre>
 * Browser browser = new Browser(nginx.endpoint());
 * HttpResponse added = browser.form("/cart", "item", "tea");   // 302, sets JSESSIONID
 * HttpResponse cart = browser.follow(added);                    // GET /cart with the cookie
 * </pre>
 */
public final class Browser {

    private final Endpoint endpoint;
    /** Path -> (name -> value), in the order the cookies were first set. */
    private final Map<String, Map<String, String>> cookies = new LinkedHashMap<>();

    public Browser(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    public HttpResponse get(String target) {
        return send(RawHttp.get(target));
    }

    /** POSTs {@code name, value, name, value...} as {@code application/x-www-form-urlencoded} (UTF-8). */
    public HttpResponse form(String target, String... namesAndValues) {
        return send(RawHttp.post(target).body("application/x-www-form-urlencoded", urlEncoded(namesAndValues)));
    }

    /** Sends {@code request} with this browser's cookies for its path, and keeps the cookies it sets. */
    public HttpResponse send(RawHttp request) {
        String cookieHeader = cookieHeader(request.path());
        if (!cookieHeader.isEmpty()) {
            request.header("Cookie", cookieHeader);
        }
        HttpResponse response = request.send(endpoint);
        for (String setCookie : response.headers("Set-Cookie")) {
            remember(setCookie, request.path());
        }
        return response;
    }

    /** GETs the {@code Location} of a redirect (3xx), as a browser would after a POST. */
    public HttpResponse follow(HttpResponse redirect) {
        if (redirect.status() / 100 != 3) {
            throw new AssertionError("expected a redirect, got:\n" + redirect);
        }
        return get(locationTarget(redirect));
    }

    /** The value of cookie {@code name} for any path, or {@code null}. */
    public String cookie(String name) {
        for (Map<String, String> byName : cookies.values()) {
            if (byName.containsKey(name)) {
                return byName.get(name);
            }
        }
        return null;
    }

    /** The value of cookie {@code name} set with {@code Path=path}, or {@code null}. */
    public String cookie(String name, String path) {
        return cookies.getOrDefault(path, Map.of()).get(name);
    }

    /**
     * The path and query of a response's {@code Location}, whether the server sent it absolute
     * ({@code http://host:port/x}) or relative ({@code /x}, which HTTP/1.1 allows since RFC 7231).
     */
    public static String locationTarget(HttpResponse response) {
        String location = response.header("Location");
        if (location == null) {
            throw new AssertionError("no Location header in:\n" + response);
        }
        URI uri = URI.create(location);
        String target = uri.getRawPath();
        if (uri.getRawQuery() != null) {
            target += "?" + uri.getRawQuery();
        }
        return target;
    }

    /** The attributes of the {@code Set-Cookie} header that sets {@code name}, e.g. {@code {Path=/, HttpOnly=}}. */
    public static Map<String, String> setCookieAttributes(HttpResponse response, String name) {
        for (String header : response.headers("Set-Cookie")) {
            String[] parts = header.split(";");
            if (!parts[0].trim().startsWith(name + "=")) {
                continue;
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i].trim();
                int eq = part.indexOf('=');
                attributes.put(eq < 0 ? part : part.substring(0, eq), eq < 0 ? "" : part.substring(eq + 1));
            }
            return attributes;
        }
        throw new AssertionError("no Set-Cookie for " + name + " in:\n" + response);
    }

    public static String urlEncoded(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        StringJoiner body = new StringJoiner("&");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.add(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    private void remember(String setCookie, String requestPath) {
        String[] parts = setCookie.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) {
            return;
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        String path = defaultPath(requestPath);
        boolean expired = false;
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim();
            String lower = attribute.toLowerCase(Locale.ROOT);
            if (lower.startsWith("path=")) {
                path = attribute.substring(5);
            } else if (lower.equals("max-age=0")) {
                expired = true;
            }
        }
        Map<String, String> byName = cookies.computeIfAbsent(path, p -> new LinkedHashMap<>());
        if (expired) {
            byName.remove(name);
        } else {
            byName.put(name, value);
        }
    }

    private String cookieHeader(String requestPath) {
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> byPath : cookies.entrySet()) {
            if (pathMatches(byPath.getKey(), requestPath)) {
                byPath.getValue().forEach((name, value) -> pairs.add(name + "=" + value));
            }
        }
        return String.join("; ", pairs);
    }

    /** RFC 6265 5.1.4. */
    private static boolean pathMatches(String cookiePath, String requestPath) {
        if (requestPath.equals(cookiePath)) {
            return true;
        }
        return requestPath.startsWith(cookiePath)
                && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
    }

    /** RFC 6265 5.1.4: the directory of the request path. */
    private static String defaultPath(String requestPath) {
        int slash = requestPath.lastIndexOf('/');
        return slash <= 0 ? "/" : requestPath.substring(0, slash);
    }
}
