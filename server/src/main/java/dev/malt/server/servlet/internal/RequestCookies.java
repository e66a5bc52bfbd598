package dev.malt.server.servlet.internal;

import jakarta.servlet.http.Cookie;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a Cookie header leniently (RFC 6265 section 4.2 plus what browsers really send): pairs are
 * split on ';', and on ',' when a {@code name=} follows it, because Apache joins two Cookie headers
 * with ", " before mod_proxy_uwsgi forwards them (a comma inside a value stays); whitespace around names and values is dropped, a value in double quotes loses its
 * quotes, and pairs that cannot be a cookie (no name, a name the Servlet API rejects, the RFC 2109
 * {@code $Version}-style attributes) are skipped rather than failing the request.
 */
public final class RequestCookies {

    /** Browsers cap cookies per domain far lower; this only bounds a hostile header. */
    private static final int MAX_COOKIES = 500;

    private RequestCookies() {
    }

    /** Every cookie of every Cookie header, in order. */
    public static List<Cookie> parse(List<String> headers) {
        List<Cookie> all = new ArrayList<>();
        for (String header : headers) {
            all.addAll(parse(header));
        }
        return all;
    }

    public static List<Cookie> parse(String header) {
        List<Cookie> cookies = new ArrayList<>();
        int start = 0;
        while (start < header.length() && cookies.size() < MAX_COOKIES) {
            int end = nextSeparator(header, start);
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

    private static int nextSeparator(String header, int from) {
        for (int i = from; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == ';' || (c == ',' && startsWithName(header, i + 1))) {
                return i;
            }
        }
        return header.length();
    }

    /** Whether {@code header} at {@code from} holds optional spaces, a token and '='. */
    private static boolean startsWithName(String header, int from) {
        int i = from;
        while (i < header.length() && header.charAt(i) == ' ') {
            i++;
        }
        int nameStart = i;
        while (i < header.length() && isTokenChar(header.charAt(i))) {
            i++;
        }
        return i > nameStart && i < header.length() && header.charAt(i) == '=';
    }

    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7F && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
