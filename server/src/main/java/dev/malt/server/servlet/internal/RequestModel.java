package dev.malt.server.servlet.internal;

/**
 * What the gateway vars say about one request, already mapped to servlet terms. Immutable, except
 * that {@link #headers()} must not be changed after mapping.
 *
 * @param method        REQUEST_METHOD
 * @param requestUri    the path part of REQUEST_URI, still encoded
 * @param queryString   the query string, or {@code null} when empty
 * @param contextPath   where the app is mounted, {@code ""} for the root
 * @param pathInfo      the decoded, canonical path below the context, or {@code null} for the context itself
 * @param headers       the request headers with their HTTP names
 * @param contentType   the body's Content-Type, or {@code null}
 * @param contentLength the body length, or -1 when not known
 * @param scheme        {@code http} or {@code https} (or what UWSGI_SCHEME said)
 * @param serverName    host name the client addressed
 * @param serverPort    port the client addressed
 * @param localName     SERVER_NAME
 * @param localAddr     SERVER_ADDR, or {@code 0.0.0.0} when the frontend did not send it
 * @param localPort     SERVER_PORT, or 0
 * @param remoteAddr    REMOTE_ADDR, or {@code 0.0.0.0}
 * @param remotePort    REMOTE_PORT, or 0
 * @param protocol      SERVER_PROTOCOL
 * @param remoteUser    REMOTE_USER as authenticated by the frontend, or {@code null}
 * @param authType      AUTH_TYPE, or {@code null}
 */
public record RequestModel(
        String method,
        String requestUri,
        String queryString,
        String contextPath,
        String pathInfo,
        HeaderFields headers,
        String contentType,
        long contentLength,
        String scheme,
        String serverName,
        int serverPort,
        String localName,
        String localAddr,
        int localPort,
        String remoteAddr,
        int remotePort,
        String protocol,
        String remoteUser,
        String authType) {

    public boolean isSecure() {
        return "https".equals(scheme) || "wss".equals(scheme);
    }

    public boolean isHead() {
        return "HEAD".equals(method);
    }
}
