package dev.malt.server.servlet.internal;

import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import jakarta.servlet.http.Cookie;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads Cookie headers into servlet cookies with Netty's {@link ServerCookieDecoder#LAX}.
 *
 * <p>LAX, not STRICT: STRICT drops every value outside RFC 6265's cookie-octets, and browsers send
 * such values (JSON, spaces, non-ASCII) that apps set themselves and expect back, as the servlet
 * containers they come from give them. What LAX lets through that the Servlet API refuses (a name
 * with a space or a non-ASCII letter) is skipped by {@link Cookie}'s own check, not fatal.
 *
 * <p>On top of Netty:
 * <ul>
 * <li>Apache joins two Cookie headers with {@code ", "} before mod_proxy_uwsgi forwards them, and
 *     Netty only splits on ';': a comma followed by spaces and a {@code name=} becomes a ';' first.
 *     A comma inside a value stays ({@code a=x,y}, JSON).</li>
 * <li>A quoted value keeps its quotes: Servlet 6.1 says they are part of the value (the TCK's
 *     {@code CookieTests.getValueQuotedTest}); Netty takes them off and says so in {@code wrap()}.</li>
 * <li>Spaces around a value go, as they did around the name.</li>
 * <li>{@code $}-names (RFC 2109 attributes such as {@code $Path}) are skipped; Netty only skips
 *     them after a {@code $Version}.</li>
 * <li>At most {@value #MAX_COOKIES} cookies a request.</li>
 * </ul>
 */
public final class RequestCookies {

    /** Browsers cap cookies per domain far lower; this only bounds a hostile header. */
    private static final int MAX_COOKIES = 500;

    /** ", name=" as Apache's header merge leaves it; the name is an RFC 9110 token. */
    private static final Pattern MERGED_HEADERS_COMMA = Pattern.compile(",[ \\t]+(?=[!#$%&'*+\\-.^_`|~0-9A-Za-z]+=)");

    private RequestCookies() {
    }

    /** Every cookie of every Cookie header, in order. */
    public static List<Cookie> parse(List<String> headers) {
        List<Cookie> all = new ArrayList<>();
        for (String header : headers) {
            addCookies(header, all);
        }
        return all;
    }

    public static List<Cookie> parse(String header) {
        return parse(List.of(header));
    }

    private static void addCookies(String header, List<Cookie> into) {
        String pairs = header.indexOf(',') < 0 ? header : MERGED_HEADERS_COMMA.matcher(header).replaceAll(";");
        for (io.netty.handler.codec.http.cookie.Cookie pair : ServerCookieDecoder.LAX.decodeAll(pairs)) {
            if (into.size() >= MAX_COOKIES) {
                return;
            }
            if (pair.name().startsWith("$")) {
                continue;
            }
            String value = pair.wrap() ? '"' + pair.value() + '"' : pair.value().trim();
            try {
                into.add(new Cookie(pair.name(), value));
            } catch (IllegalArgumentException invalidName) {
                // a name the Servlet API refuses: skip this pair, keep the others
            }
        }
    }
}
