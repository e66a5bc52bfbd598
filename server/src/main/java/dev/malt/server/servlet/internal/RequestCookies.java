package dev.malt.server.servlet.internal;

import jakarta.servlet.http.Cookie;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a Cookie header leniently (RFC 6265 section 4.2 plus what browsers really send): pairs are
 * split on ';', whitespace around names and values is dropped, a value in double quotes loses its
 * quotes, and pairs that cannot be a cookie (no name, a name the Servlet API rejects, the RFC 2109
 * {@code $Version}-style attributes) are skipped rather than failing the request.
 */
final class RequestCookies {

    /** Browsers cap cookies per domain far lower; this only bounds a hostile header. */
    private static final int MAX_COOKIES = 500;

    private RequestCookies() {
    }

    public static List<Cookie> parse(String header) {
        List<Cookie> cookies = new ArrayList<>();
        int start = 0;
        while (start < header.length() && cookies.size() < MAX_COOKIES) {
            int end = header.indexOf(';', start);
            if (end < 0) {
                end = header.length();
            }
            int equals = header.indexOf('=', start);
            if (equals > start && equals < end) {
                String name = header.substring(start, equals).trim();
                String value = unquote(header.substring(equals + 1, end).trim());
                if (!name.isEmpty() && name.charAt(0) != '$') {
                    try {
                        cookies.add(new Cookie(name, value));
                    } catch (IllegalArgumentException invalidName) {
                        // a name the Servlet API refuses: skip this pair, keep the others
                    }
                }
            }
            start = end + 1;
        }
        return cookies;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
