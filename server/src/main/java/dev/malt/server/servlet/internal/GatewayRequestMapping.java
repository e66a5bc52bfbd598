package dev.malt.server.servlet.internal;

import dev.malt.protocol.UwsgiVars;

import java.util.Locale;

/**
 * Maps the CGI-style vars of one gateway request to the servlet request model.
 *
 * <p><b>Paths.</b> The servlet is mounted as {@code /*}: the servlet path is always {@code ""} and the
 * path info is the decoded path below the context path. The decoded path is PATH_INFO when the
 * frontend sent a non-empty one (nginx's {@code $document_uri}, already decoded and normalised; its
 * bytes are read as UTF-8), else the path part of REQUEST_URI, decoded by {@link UriPaths}. When that
 * path does not start with the context path, the frontend has already stripped it (SCRIPT_NAME /
 * PATH_INFO split) or routed a foreign path here on purpose; the path is then used whole.
 *
 * <p><b>Headers.</b> {@code HTTP_X_FOO} becomes {@code X-Foo}. Repeated vars stay repeated headers,
 * except Cookie: repeated {@code HTTP_COOKIE} vars (nginx sends one per Cookie line) are joined with
 * {@code "; "} into one header, as RFC 6265 wants a single Cookie header. CONTENT_TYPE and
 * CONTENT_LENGTH give Content-Type and Content-Length; nginx's extra {@code HTTP_CONTENT_*} copies
 * are then dropped so those headers are not doubled.
 *
 * <p><b>Scheme.</b> Only {@code UWSGI_SCHEME}, then {@code HTTPS} ({@code on} or {@code 1}), then
 * {@code REQUEST_SCHEME} decide the scheme and so {@code isSecure()}. uWSGI also obeys other magic
 * vars ({@code UWSGI_SETENV}, {@code UWSGI_CHDIR}, {@code UWSGI_SCRIPT}, ...) that let the frontend
 * reconfigure the app server per request; Malt ignores every one of them on purpose: the operator
 * configures the app, never a request.
 *
 * <p><b>Server name and port</b> come from the Host header when there is one, else from SERVER_NAME /
 * SERVER_PORT. nginx forwards Host without its port, so a Host without a port means the port the
 * frontend accepted on (SERVER_PORT), as the spec says, unless the frontend was told the client used
 * another scheme (TLS ended in front of it): then the scheme's default port.
 */
public final class GatewayRequestMapping {

    private static final String UNKNOWN_ADDRESS = "0.0.0.0";

    private GatewayRequestMapping() {
    }

    /**
     * @param contextPath the app's mount point, {@code ""} or {@code /name}
     * @throws RequestRejectedException when the path cannot be decoded safely
     */
    public static RequestModel map(UwsgiVars vars, String contextPath) {
        String method = vars.get("REQUEST_METHOD", "GET");
        String rawUri = vars.get("REQUEST_URI");
        String requestUri = rawUri == null ? null : stripToPath(rawUri);
        String queryString = queryString(vars, rawUri);
        String decodedPath = decodedPath(vars, requestUri);
        if (requestUri == null) {
            requestUri = rebuildRequestUri(vars);
        }
        String pathInfo = pathInfo(decodedPath, contextPath);

        HeaderFields headers = HeaderFields.deferred(fields -> addHeaders(fields, vars));
        String contentType = contentType(vars);
        long contentLength = contentLength(vars);

        String scheme = scheme(vars);
        String localName = vars.get("SERVER_NAME", "");
        int localPort = port(vars.get("SERVER_PORT"), 0);
        String host = vars.get("HTTP_HOST"); // the Host header; the fields stay unmade
        String serverName = localName;
        int serverPort = localPort;
        if (host != null && !host.isBlank()) {
            int colon = portColon(host);
            serverName = colon < 0 ? host.trim() : host.substring(0, colon).trim();
            serverPort = colon < 0 ? portWithoutHostPort(vars, scheme, localPort)
                    : port(host.substring(colon + 1), defaultPort(scheme));
        }
        return new RequestModel(
                method,
                requestUri,
                queryString,
                contextPath,
                pathInfo,
                headers,
                contentType,
                contentLength,
                scheme,
                serverName,
                serverPort,
                localName,
                nonEmpty(vars.get("SERVER_ADDR"), UNKNOWN_ADDRESS),
                localPort,
                nonEmpty(vars.get("REMOTE_ADDR"), UNKNOWN_ADDRESS),
                port(vars.get("REMOTE_PORT"), 0),
                nonEmpty(vars.get("SERVER_PROTOCOL"), "HTTP/1.0"),
                nonEmpty(vars.get("REMOTE_USER"), null),
                nonEmpty(vars.get("AUTH_TYPE"), null));
    }

    /** {@code /a/b} from {@code /a/b?q}, also from the absolute form {@code http://h/a/b?q}. */
    static String stripToPath(String rawUri) {
        int end = rawUri.length();
        int query = rawUri.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = rawUri.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        String path = rawUri.substring(0, end);
        int scheme = path.indexOf("://");
        if (scheme > 0 && !path.startsWith("/")) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        return path;
    }

    private static String queryString(UwsgiVars vars, String rawUri) {
        String query = vars.get("QUERY_STRING");
        if (query == null && rawUri != null) {
            int mark = rawUri.indexOf('?');
            if (mark >= 0) {
                int fragment = rawUri.indexOf('#', mark);
                query = rawUri.substring(mark + 1, fragment < 0 ? rawUri.length() : fragment);
            }
        }
        return query == null || query.isEmpty() ? null : query;
    }

    /** The decoded, canonical request path (before any context is stripped), or {@code null} for {@code *}. */
    public static String decodedPath(UwsgiVars vars) {
        String rawUri = vars.get("REQUEST_URI");
        return decodedPath(vars, rawUri == null ? null : stripToPath(rawUri));
    }

    private static String decodedPath(UwsgiVars vars, String requestUri) {
        byte[] pathInfo = vars.getRaw("PATH_INFO");
        if (pathInfo != null && pathInfo.length > 0) {
            // the frontend decoded the path but kept its path parameters (;jsessionid=...), which the
            // mapping must not see (spec 3.5.2); a ';' it decoded from %3B stays when the URI has no ';'
            boolean parameters = requestUri != null && requestUri.indexOf(';') >= 0;
            return parameters ? UriPaths.canonicalizeDecodedWithoutParameters(pathInfo)
                    : UriPaths.canonicalizeDecoded(pathInfo);
        }
        if (requestUri == null || requestUri.isEmpty()) {
            return "/";
        }
        if (requestUri.equals("*")) {
            return null; // OPTIONS *: no resource path at all
        }
        return UriPaths.decodeRawPath(requestUri);
    }

    /** Without REQUEST_URI (rare CGI-only frontends) the decoded vars are all there is: re-encode them. */
    private static String rebuildRequestUri(UwsgiVars vars) {
        String path = vars.get("SCRIPT_NAME", "") + vars.get("PATH_INFO", "");
        if (path.isEmpty()) {
            return "/";
        }
        StringBuilder encoded = new StringBuilder(path.length() + 16);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i); // one char per wire byte (ISO-8859-1)
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "/-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4 & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return encoded.toString();
    }

    private static String pathInfo(String decodedPath, String contextPath) {
        if (decodedPath == null) {
            return null;
        }
        if (contextPath.isEmpty()) {
            return decodedPath;
        }
        if (decodedPath.equals(contextPath)) {
            return null;
        }
        if (decodedPath.startsWith(contextPath) && decodedPath.charAt(contextPath.length()) == '/') {
            return decodedPath.substring(contextPath.length());
        }
        return decodedPath;
    }

    private static void addHeaders(HeaderFields headers, UwsgiVars vars) {
        boolean typeVar = !vars.get("CONTENT_TYPE", "").isEmpty();
        boolean lengthVar = !vars.get("CONTENT_LENGTH", "").isEmpty();
        StringBuilder cookie = null;
        for (int i = 0; i < vars.size(); i++) {
            String name = vars.name(i);
            if (name.equals("CONTENT_TYPE") && typeVar) {
                headers.add("Content-Type", vars.value(i));
            } else if (name.equals("CONTENT_LENGTH") && lengthVar) {
                headers.add("Content-Length", vars.value(i).trim());
            } else if (name.startsWith("HTTP_") && name.length() > 5) {
                if ((typeVar && name.equals("HTTP_CONTENT_TYPE"))
                        || (lengthVar && name.equals("HTTP_CONTENT_LENGTH"))) {
                    continue;
                }
                if (name.equals("HTTP_COOKIE")) {
                    if (cookie == null) {
                        cookie = new StringBuilder(vars.value(i));
                        headers.add("Cookie", ""); // keeps the position; value set below
                    } else {
                        cookie.append("; ").append(vars.value(i));
                    }
                    continue;
                }
                headers.add(headerName(name), vars.value(i));
            }
        }
        if (cookie != null) {
            headers.set("Cookie", cookie.toString());
        }
    }

    /** {@code HTTP_X_FORWARDED_FOR} becomes {@code X-Forwarded-For}. */
    static String headerName(String varName) {
        StringBuilder name = new StringBuilder(varName.length() - 5);
        boolean wordStart = true;
        for (int i = 5; i < varName.length(); i++) {
            char c = varName.charAt(i);
            if (c == '_') {
                name.append('-');
                wordStart = true;
            } else {
                name.append(wordStart ? Character.toUpperCase(c) : Character.toLowerCase(c));
                wordStart = false;
            }
        }
        return name.toString();
    }

    private static String contentType(UwsgiVars vars) {
        String type = nonEmpty(vars.get("CONTENT_TYPE"), null);
        return type != null ? type : nonEmpty(vars.get("HTTP_CONTENT_TYPE"), null);
    }

    private static long contentLength(UwsgiVars vars) {
        String length = nonEmpty(vars.get("CONTENT_LENGTH"), null);
        if (length == null) {
            length = nonEmpty(vars.get("HTTP_CONTENT_LENGTH"), null);
        }
        if (length == null) {
            return -1;
        }
        try {
            long value = Long.parseLong(length.trim());
            return value < 0 ? -1 : value;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String scheme(UwsgiVars vars) {
        String uwsgiScheme = vars.get("UWSGI_SCHEME");
        if (isScheme(uwsgiScheme)) {
            return uwsgiScheme.toLowerCase(Locale.ROOT);
        }
        String https = vars.get("HTTPS");
        if (https != null && (https.equalsIgnoreCase("on") || https.equals("1"))) {
            return "https";
        }
        String requestScheme = vars.get("REQUEST_SCHEME");
        if (isScheme(requestScheme)) {
            return requestScheme.toLowerCase(Locale.ROOT);
        }
        return "http";
    }

    /** RFC 3986 scheme syntax; anything else from the frontend is ignored rather than echoed into URLs. */
    private static boolean isScheme(String value) {
        if (value == null || value.isEmpty() || !isAsciiLetter(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static int portWithoutHostPort(UwsgiVars vars, String scheme, int localPort) {
        String frontendScheme = vars.get("REQUEST_SCHEME");
        boolean sameScheme = frontendScheme == null ? !"https".equals(scheme) : frontendScheme.equalsIgnoreCase(scheme);
        return localPort > 0 && sameScheme ? localPort : defaultPort(scheme);
    }

    /** Index of the port colon in a Host value, minding IPv6 literals ({@code [::1]:8080}). */
    private static int portColon(String host) {
        int colon = host.lastIndexOf(':');
        if (colon < 0) {
            return -1;
        }
        int bracket = host.lastIndexOf(']');
        return bracket > colon ? -1 : colon;
    }

    static int defaultPort(String scheme) {
        return "https".equals(scheme) || "wss".equals(scheme) ? 443 : 80;
    }

    private static int port(String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            return port >= 0 && port <= 65535 ? port : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
