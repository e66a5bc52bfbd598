package dev.malt.server.servlet.internal;

import java.util.ArrayDeque;

/**
 * Makes a {@code sendRedirect} location absolute, as the Servlet spec describes: a URL with a scheme
 * stays as it is; {@code //host/x} takes the request's scheme; {@code /x} is relative to the server
 * root; anything else is relative to the request URI. Dot segments are resolved; the query and
 * fragment of the location are kept.
 */
final class RedirectLocations {

    private RedirectLocations() {
    }

    public static String absolute(String location, RequestModel request) {
        return absolute(location, request, request.requestUri());
    }

    /** @param currentUri the request URI relative locations resolve against (after a forward, the target's) */
    public static String absolute(String location, RequestModel request, String currentUri) {
        if (hasScheme(location)) {
            return location;
        }
        if (location.startsWith("//")) {
            return request.scheme() + ":" + location;
        }
        int suffixStart = firstOf(location, '?', '#');
        String path = location.substring(0, suffixStart);
        String suffix = location.substring(suffixStart);
        if (!path.startsWith("/")) {
            String base = currentUri != null && currentUri.startsWith("/") ? currentUri : "/";
            // an empty path ("?q", "#f") keeps the request's path, as RFC 3986 resolution does
            path = path.isEmpty() ? base : base.substring(0, base.lastIndexOf('/') + 1) + path;
        }
        return origin(request) + removeDotSegments(path) + suffix;
    }

    /** {@code scheme://host[:port]}, the port left out when it is the scheme's default. */
    public static String origin(RequestModel request) {
        StringBuilder origin = new StringBuilder(request.scheme()).append("://");
        String host = request.serverName();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            origin.append('[').append(host).append(']'); // a bare IPv6 literal from SERVER_NAME
        } else {
            origin.append(host);
        }
        if (request.serverPort() != GatewayRequestMapping.defaultPort(request.scheme()) && request.serverPort() > 0) {
            origin.append(':').append(request.serverPort());
        }
        return origin.toString();
    }

    /** RFC 3986 section 5.2.4, on an absolute path. */
    static String removeDotSegments(String path) {
        if (!path.contains("/.")) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        String[] segments = path.split("/", -1);
        ArrayDeque<String> kept = new ArrayDeque<>();
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals("..")) {
                kept.pollLast();
                if (last) {
                    kept.addLast("");
                }
            } else if (segment.equals(".")) {
                if (last) {
                    kept.addLast("");
                }
            } else {
                kept.addLast(segment);
            }
        }
        for (String segment : kept) {
            out.append('/').append(segment);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    private static boolean hasScheme(String location) {
        for (int i = 0; i < location.length(); i++) {
            char c = location.charAt(i);
            if (c == ':') {
                return i > 0;
            }
            boolean schemeChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
            if (!schemeChar) {
                return false;
            }
        }
        return false;
    }

    private static int firstOf(String text, char a, char b) {
        int ia = text.indexOf(a);
        int ib = text.indexOf(b);
        if (ia < 0) {
            return ib < 0 ? text.length() : ib;
        }
        return ib < 0 ? ia : Math.min(ia, ib);
    }
}
