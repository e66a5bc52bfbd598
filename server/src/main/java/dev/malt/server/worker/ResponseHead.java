package dev.malt.server.worker;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Writes an HTTP/1.x status line and header block, as the uwsgi protocol and the HTTP socket both return. */
final class ResponseHead {

    private ResponseHead() {
    }

    /** {@code HTTP/1.0} stays; anything else (HTTP/2.0 from an h2 frontend, nothing at all) answers HTTP/1.1. */
    static String statusLineProtocol(String serverProtocol) {
        return "HTTP/1.0".equals(serverProtocol) ? "HTTP/1.0" : "HTTP/1.1";
    }

    static void encode(ByteBuf out, String protocol, int status, String reason,
                       List<Map.Entry<String, String>> headers, List<String> framingHeaders) {
        ascii(out, protocol);
        out.writeByte(' ');
        ascii(out, Integer.toString(status));
        out.writeByte(' ');
        latin1(out, reason != null ? reason : HttpResponseStatus.valueOf(status).reasonPhrase());
        crlf(out);
        for (Map.Entry<String, String> header : headers) {
            latin1(out, header.getKey());
            out.writeByte(':').writeByte(' ');
            latin1(out, header.getValue() == null ? "" : header.getValue());
            crlf(out);
        }
        for (String line : framingHeaders) {
            ascii(out, line);
            crlf(out);
        }
        crlf(out);
    }

    /** True when the status forbids a body (1xx, 204, 304). */
    static boolean statusForbidsBody(int status) {
        return status < 200 || status == 204 || status == 304;
    }

    private static void ascii(ByteBuf out, String s) {
        out.writeCharSequence(s, StandardCharsets.US_ASCII);
    }

    /** Header text goes out as ISO-8859-1; CR and LF become spaces so no app value can split the head. */
    private static void latin1(ByteBuf out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                out.writeByte(' ');
            } else if (c > 0xFF) {
                out.writeByte('?');
            } else {
                out.writeByte(c);
            }
        }
    }

    private static void crlf(ByteBuf out) {
        out.writeByte('\r').writeByte('\n');
    }
}
