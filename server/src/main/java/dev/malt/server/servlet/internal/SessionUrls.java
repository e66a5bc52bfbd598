package dev.malt.server.servlet.internal;

import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpSession;

/** Session ids in URLs: reading {@code ;jsessionid=} from a request path, and adding it for encodeURL. */
final class SessionUrls {

    private SessionUrls() {
    }

    /** The value of path parameter {@code name} in a raw request path, or {@code null}. */
    static String pathParameter(String rawPath, String name) {
        if (rawPath == null) {
            return null;
        }
        String marker = ";" + name + "=";
        int at = rawPath.indexOf(marker);
        if (at < 0) {
            return null;
        }
        int start = at + marker.length();
        int end = start;
        while (end < rawPath.length() && "/;?#".indexOf(rawPath.charAt(end)) < 0) {
            end++;
        }
        return rawPath.substring(start, end);
    }

    /**
     * Adds {@code ;jsessionid=ID} to a URL of this context when the session cannot travel in a cookie:
     * URL tracking is on, there is a session, and the client did not send its id in a cookie.
     */
    static String encode(String url, MaltHttpRequest request) {
        var sessions = request.app().sessions();
        if (!sessions.effectiveTrackingModes().contains(SessionTrackingMode.URL)) {
            return url;
        }
        HttpSession session = request.getSession(false);
        if (session == null || request.isRequestedSessionIdFromCookie()
                || sessions.effectiveTrackingModes().contains(SessionTrackingMode.COOKIE)
                && request.isRequestedSessionIdFromCookie()) {
            return url;
        }
        if (!pointsIntoContext(url, request)) {
            return url;
        }
        int end = url.length();
        int query = url.indexOf('?');
        int fragment = url.indexOf('#');
        if (query >= 0) {
            end = query;
        }
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        String path = url.substring(0, end);
        if (path.contains(";" + sessions.uriParameterName() + "=")) {
            return url;
        }
        return path + ";" + sessions.uriParameterName() + "=" + session.getId() + url.substring(end);
    }

    private static boolean pointsIntoContext(String url, MaltHttpRequest request) {
        int scheme = url.indexOf("://");
        if (scheme < 0 || url.indexOf('/') < scheme) {
            return !url.startsWith("//"); // relative: same server
        }
        String origin = RedirectLocations.origin(request.model());
        if (!url.regionMatches(true, 0, origin, 0, origin.length())) {
            return false;
        }
        String rest = url.substring(origin.length());
        String contextPath = request.getContextPath();
        return contextPath.isEmpty() || rest.equals(contextPath) || rest.startsWith(contextPath + "/")
                || rest.startsWith(contextPath + "?") || rest.startsWith(contextPath + ";");
    }
}
