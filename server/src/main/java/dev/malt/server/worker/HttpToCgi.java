package dev.malt.server.worker;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.internal.PercentDecoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a request from the plain HTTP socket into the CGI-style vars a uwsgi frontend would send,
 * so one mapping to the servlet request model serves both sockets (as uWSGI's http-socket does).
 */
final class HttpToCgi {

    private HttpToCgi() {
    }

    static UwsgiVars vars(HttpRequest request, SocketAddress local, SocketAddress remote) {
        UwsgiVars.Builder vars = UwsgiVars.builder();
        String uri = request.uri();
        int query = uri.indexOf('?');
        String rawPath = query < 0 ? uri : uri.substring(0, query);
        vars.add("REQUEST_METHOD", request.method().name());
        vars.add("REQUEST_URI", uri);
        vars.add("QUERY_STRING", query < 0 ? "" : uri.substring(query + 1));
        // nginx passes the percent-decoded path bytes; do the same.
        vars.add("PATH_INFO", PercentDecoder.decodeWireText(rawPath));
        vars.add("SERVER_PROTOCOL", request.protocolVersion().text());
        vars.add("REQUEST_SCHEME", "http");
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        vars.add("CONTENT_TYPE", contentType == null ? "" : contentType);
        long length = HttpUtil.getContentLength(request, -1L);
        vars.add("CONTENT_LENGTH", length < 0 ? "" : Long.toString(length));
        if (remote instanceof InetSocketAddress inet) {
            vars.add("REMOTE_ADDR", inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress());
            vars.add("REMOTE_PORT", Integer.toString(inet.getPort()));
        } else {
            vars.add("REMOTE_ADDR", "127.0.0.1");
            vars.add("REMOTE_PORT", "0");
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (local instanceof InetSocketAddress inet) {
            vars.add("SERVER_NAME", host != null ? hostWithoutPort(host) : inet.getHostString());
            vars.add("SERVER_PORT", Integer.toString(inet.getPort()));
            if (inet.getAddress() != null) {
                vars.add("SERVER_ADDR", inet.getAddress().getHostAddress());
            }
        } else {
            vars.add("SERVER_NAME", host != null ? hostWithoutPort(host) : "localhost");
            vars.add("SERVER_PORT", "80");
        }
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey();
            // Like nginx: a name with '_' is dropped, or X_Forwarded_For would pass as X-Forwarded-For.
            if (name.indexOf('_') >= 0) {
                continue;
            }
            vars.add("HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_'), header.getValue());
        }
        return vars.build();
    }

    static String hostWithoutPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
