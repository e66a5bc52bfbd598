package dev.malt.server.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code cache-route = REGEX TTL [FLAG...]}: GET and HEAD requests whose {@code REQUEST_URI} (path and query,
 * as the client sent them) matches REGEX are cached for TTL seconds. As in uWSGI's route regexes the match is a
 * search, not anchored: write {@code ^/products/} to mean "starts with".
 *
 * <p>Flags loosen the safety rules for one route, for content that does not depend on who asks:
 * {@code ignore-cookies} lets requests that carry a session cookie use the cache, {@code ignore-authorization}
 * lets requests with an {@code Authorization} header use it. Responses are still never stored with a
 * {@code Set-Cookie}, {@code Cache-Control: private}, {@code no-store} or {@code no-cache}.
 *
 * @param pattern             the compiled REGEX
 * @param ttlSeconds          how long an entry stays fresh
 * @param ignoreCookies       requests with a session cookie may be served from, and fill, the cache
 * @param ignoreAuthorization requests with {@code Authorization} may be served from, and fill, the cache
 */
public record CacheRoute(Pattern pattern, int ttlSeconds, boolean ignoreCookies, boolean ignoreAuthorization) {

    /** A year: longer TTLs are almost always a typo (milliseconds for seconds). */
    public static final int MAX_TTL_SECONDS = 365 * 24 * 3600;

    static final String IGNORE_COOKIES = "ignore-cookies";
    static final String IGNORE_AUTHORIZATION = "ignore-authorization";
    private static final List<String> FLAGS = List.of(IGNORE_COOKIES, IGNORE_AUTHORIZATION);

    /** Whether this route covers {@code requestUri} (path and query). */
    public boolean matches(String requestUri) {
        return pattern.matcher(requestUri).find();
    }

    /**
     * Parses {@code REGEX TTL [FLAG...]}, separated by spaces (a REGEX that needs a space writes {@code \s} or
     * {@code \x20}).
     *
     * @throws IllegalArgumentException with a message that says what is wrong and how to write it
     */
    public static CacheRoute parse(String value) {
        String[] parts = value.strip().split("\\s+");
        if (parts.length < 2 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("'" + value.strip() + "' is not REGEX TTL; write e.g. ^/products/ 60"
                    + " (cache URIs starting with /products/ for 60 seconds)");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(parts[0]);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + parts[0] + "' is not a valid regular expression ("
                    + e.getDescription() + " near index " + e.getIndex() + ")");
        }
        int ttl = ttl(parts[1]);
        boolean cookies = false;
        boolean authorization = false;
        for (int i = 2; i < parts.length; i++) {
            String flag = parts[i].toLowerCase(Locale.ROOT);
            switch (flag) {
                case IGNORE_COOKIES -> cookies = true;
                case IGNORE_AUTHORIZATION -> authorization = true;
                default -> throw new IllegalArgumentException("unknown flag '" + parts[i] + "'" + suggestion(flag)
                        + "; a cache-route takes " + String.join(" or ", FLAGS) + " after the TTL");
            }
        }
        return new CacheRoute(pattern, ttl, cookies, authorization);
    }

    /** The value as the config keeps it: single spaces, flags in lower case. */
    public static String normalize(String value) {
        CacheRoute route = parse(value);
        List<String> parts = new ArrayList<>(List.of(route.pattern.pattern(), Integer.toString(route.ttlSeconds)));
        if (route.ignoreCookies) {
            parts.add(IGNORE_COOKIES);
        }
        if (route.ignoreAuthorization) {
            parts.add(IGNORE_AUTHORIZATION);
        }
        return String.join(" ", parts);
    }

    private static int ttl(String text) {
        if (!text.chars().allMatch(Character::isDigit) || text.length() > 9) {
            throw new IllegalArgumentException("the TTL '" + text + "' is not a whole number of seconds; write e.g."
                    + " ^/products/ 60");
        }
        int ttl = Integer.parseInt(text);
        if (ttl < 1 || ttl > MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("the TTL " + ttl + " is out of range; use 1 to " + MAX_TTL_SECONDS
                    + " seconds");
        }
        return ttl;
    }

    private static String suggestion(String flag) {
        for (String known : FLAGS) {
            if (known.startsWith(flag.replaceAll("s$", "")) || flag.contains(known.substring(7, 12))) {
                return " (did you mean '" + known + "'?)";
            }
        }
        return "";
    }
}
