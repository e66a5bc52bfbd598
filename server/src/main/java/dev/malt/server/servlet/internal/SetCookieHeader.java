package dev.malt.server.servlet.internal;

import jakarta.servlet.http.Cookie;

import java.util.Map;

/**
 * Formats a {@link Cookie} as a Set-Cookie value (RFC 6265 section 4.1). Servlet 6 keeps every
 * attribute (Max-Age, Path, Domain, Secure, HttpOnly, SameSite, Partitioned...) in
 * {@link Cookie#getAttributes()}; they are written in that order, with an Expires next to Max-Age for
 * clients that predate Max-Age. Values that would break the header are refused, so an app can never
 * inject a second cookie or header through a cookie.
 */
final class SetCookieHeader {

    /** Max-Age 0 means "delete now"; Expires says the same with a date well in the past. */
    private static final String EXPIRED = "Thu, 01 Jan 1970 00:00:10 GMT";

    private SetCookieHeader() {
    }

    public static String format(Cookie cookie) {
        String value = cookie.getValue() == null ? "" : cookie.getValue();
        checkValue(cookie.getName(), value);
        StringBuilder header = new StringBuilder(64).append(cookie.getName()).append('=').append(value);
        for (Map.Entry<String, String> attribute : cookie.getAttributes().entrySet()) {
            String name = attribute.getKey();
            String attributeValue = attribute.getValue();
            checkAttribute(cookie.getName(), name, attributeValue);
            if (name.equalsIgnoreCase("Max-Age")) {
                // RFC 6265 4.1.1: Max-Age is a positive number; 0 is said with a past Expires, negative not at all
                int maxAge = cookie.getMaxAge();
                if (maxAge > 0) {
                    header.append("; Max-Age=").append(maxAge);
                }
                if (maxAge >= 0) {
                    header.append("; Expires=").append(expires(maxAge));
                }
                continue;
            }
            header.append("; ").append(name);
            if (attributeValue != null && !attributeValue.isEmpty()) {
                header.append('=').append(attributeValue);
            }
        }
        return header.toString();
    }

    private static String expires(int maxAge) {
        return maxAge == 0 ? EXPIRED : HttpDates.format(System.currentTimeMillis() + maxAge * 1000L);
    }

    /** cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ). */
    private static void checkValue(String cookieName, String value) {
        int from = 0;
        int to = value.length();
        if (to >= 2 && value.charAt(0) == '"' && value.charAt(to - 1) == '"') {
            from = 1;
            to--;
        }
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '"' || c == ',' || c == ';' || c == '\\') {
                throw new IllegalArgumentException(ServletMessages.cookieValueInvalid(cookieName, value, c));
            }
        }
    }

    private static void checkAttribute(String cookieName, String name, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F || c == ';') {
                throw new IllegalArgumentException(ServletMessages.cookieAttributeInvalid(cookieName, name, value));
            }
        }
    }
}
