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
        if (reason == null && status >= 100 && status < 600
                && ("HTTP/1.1".equals(protocol) || "HTTP/1.0".equals(protocol))) {
            out.writeBytes(statusLine(protocol, status));
        } else {
            ascii(out, protocol);
            out.writeByte(' ');
            ascii(out, Integer.toString(status));
            out.writeByte(' ');
            latin1(out, reason != null ? reason : HttpResponseStatus.valueOf(status).reasonPhrase());
            crlf(out);
        }
        for (Map.Entry<String, String> header : headers) {
            latin1(out, header.getKey());
            out.writeShort(COLON_SPACE);
            latin1(out, header.getValue() == null ? "" : header.getValue());
            crlf(out);
        }
        for (String line : framingHeaders) {
            ascii(out, line);
            crlf(out);
        }
        crlf(out);
    }

    /** A guess at the head's size, so that its buffer is allocated once. */
    static int estimateSize(List<Map.Entry<String, String>> headers, List<String> framingHeaders) {
        int size = 64;
        for (Map.Entry<String, String> header : headers) {
            size += header.getKey().length() + (header.getValue() == null ? 0 : header.getValue().length()) + 4;
        }
        for (String line : framingHeaders) {
            size += line.length() + 2;
        }
        return size;
    }

    /** "HTTP/1.1 200 OK\r\n" and its kind, made once per protocol and status: most responses share a few. */
    private static byte[] statusLine(String protocol, int status) {
        byte[][] lines = "HTTP/1.0".equals(protocol) ? HTTP10_LINES : HTTP11_LINES;
        byte[] line = lines[status - 100];
        if (line == null) {
            String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
            line = (protocol + " " + status + " " + reason.replace('\r', ' ').replace('\n', ' ') + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            lines[status - 100] = line; // a racy cache of equal values: any thread's copy is right
        }
        return line;
    }

    private static final byte[][] HTTP10_LINES = new byte[500][];
    private static final byte[][] HTTP11_LINES = new byte[500][];
    private static final int COLON_SPACE = (':' << 8) | ' ';
    private static final int CRLF = ('\r' << 8) | '\n';

    private static void ascii(ByteBuf out, String s) {
        out.writeCharSequence(s, StandardCharsets.US_ASCII);
    }

    /**
     * Header text goes out as ISO-8859-1; CR and LF become spaces so no app value can split the head, and a
     * char beyond ISO-8859-1 becomes '?'. A clean value (nearly all of them) is written in one call.
     */
    private static void latin1(ByteBuf out, String s) {
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c > 0xFF) {
                if (i > 0) {
                    out.writeCharSequence(s.subSequence(0, i), StandardCharsets.ISO_8859_1);
                }
                for (int j = i; j < length; j++) {
                    char d = s.charAt(j);
                    out.writeByte(d == '\r' || d == '\n' ? ' ' : d > 0xFF ? '?' : d);
                }
                return;
            }
        }
        out.writeCharSequence(s, StandardCharsets.ISO_8859_1);
    }

    private static void crlf(ByteBuf out) {
        out.writeShort(CRLF);
    }
}
