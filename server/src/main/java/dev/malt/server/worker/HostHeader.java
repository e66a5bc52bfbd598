package dev.malt.server.worker;

import io.netty.util.NetUtil;

/**
 * The syntax of a Host header, RFC 9110 section 7.2: {@code uri-host [ ":" port ]}, where uri-host is
 * RFC 3986's host (an IP literal in brackets, an IPv4 address, or a reg-name of unreserved characters,
 * percent-escapes and sub-delims) and port is digits. On the HTTP socket the client writes it, and it
 * becomes the server name in {@code getRequestURL()} and in redirect locations, so anything else (a
 * slash, an {@code @}, quotes, spaces) is refused before the app sees it.
 */
final class HostHeader {

    /** Longest host name DNS allows, with room for brackets and a port. */
    static final int MAX_LENGTH = 255 + 8;

    private HostHeader() {
    }

    /** Whether {@code value} is a valid Host field value; an empty one is (RFC 9110: no authority). */
    static boolean isValid(String value) {
        if (value.length() > MAX_LENGTH) {
            return false;
        }
        int portColon;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || !isIpLiteral(value.substring(1, close))) {
                return false;
            }
            if (close == value.length() - 1) {
                return true;
            }
            if (value.charAt(close + 1) != ':') {
                return false;
            }
            portColon = close + 1;
        } else {
            portColon = value.indexOf(':');
            String host = portColon < 0 ? value : value.substring(0, portColon);
            if (!isRegNameOrIpv4(host)) {
                return false;
            }
            if (portColon < 0) {
                return true;
            }
        }
        return isPort(value.substring(portColon + 1));
    }

    private static boolean isIpLiteral(String inside) {
        if (!inside.isEmpty() && (inside.charAt(0) == 'v' || inside.charAt(0) == 'V')) {
            return isIpvFuture(inside);
        }
        return NetUtil.isValidIpV6Address(inside) && inside.indexOf('%') < 0; // no zone id in a URI host
    }

    /** {@code "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )}. */
    private static boolean isIpvFuture(String inside) {
        int dot = inside.indexOf('.');
        if (dot < 2 || dot == inside.length() - 1) {
            return false;
        }
        for (int i = 1; i < dot; i++) {
            if (Character.digit(inside.charAt(i), 16) < 0) {
                return false;
            }
        }
        for (int i = dot + 1; i < inside.length(); i++) {
            char c = inside.charAt(i);
            if (!isUnreserved(c) && !isSubDelim(c) && c != ':') {
                return false;
            }
        }
        return true;
    }

    /** A reg-name; an IPv4 address is one too, syntactically. */
    private static boolean isRegNameOrIpv4(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '%') {
                if (i + 2 >= host.length() || Character.digit(host.charAt(i + 1), 16) < 0
                        || Character.digit(host.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (!isUnreserved(c) && !isSubDelim(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code *DIGIT}, at most 5 of them and at most 65535. */
    private static boolean isPort(String port) {
        if (port.length() > 5) {
            return false;
        }
        for (int i = 0; i < port.length(); i++) {
            char c = port.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return port.isEmpty() || Integer.parseInt(port) <= 65535;
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isSubDelim(char c) {
        return "!$&'()*+,;=".indexOf(c) >= 0;
    }
}
