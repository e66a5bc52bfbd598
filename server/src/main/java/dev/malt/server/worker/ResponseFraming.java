package dev.malt.server.worker;

import dev.malt.server.servlet.ResponseChannel;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How one response is framed on the wire, decided once when its head goes out: whether it has a body at all,
 * whether that body is chunked, whether the connection stays open, and the header lines that say so. The uwsgi
 * protocol frames nothing (the frontend does, and the connection ends with the response); the HTTP socket
 * frames like any HTTP/1.x server.
 */
final class ResponseFraming {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Body bytes may go out: not a HEAD request, and a status that allows a body. */
    final boolean bodyAllowed;
    /** The body goes out in chunks (HTTP/1.1, length not known). */
    final boolean chunked;
    /** The connection may carry another request after this response. */
    final boolean keepAlive;
    /** A 101 to an upgrade request: the connection changes protocol once the head is out. */
    final boolean switching;
    /** Content-Length, Transfer-Encoding and Connection lines, as they go into the head. */
    final List<String> headerLines;

    private ResponseFraming(boolean bodyAllowed, boolean chunked, boolean keepAlive, boolean switching,
                            List<String> headerLines) {
        this.bodyAllowed = bodyAllowed;
        this.chunked = chunked;
        this.keepAlive = keepAlive;
        this.switching = switching;
        this.headerLines = headerLines;
    }

    /**
     * @param httpSocket       the peer is an HTTP client, not a uwsgi frontend
     * @param protocol         the status line's protocol ({@link ResponseHead#statusLineProtocol})
     * @param headRequest      the request's method is HEAD
     * @param contentLength    the exact body length, or {@link ResponseChannel#UNKNOWN_LENGTH}
     * @param clientKeepAlive  the HTTP client allows another request on this connection
     * @param upgradeRequested the servlet layer asked to switch protocols after this response
     */
    static ResponseFraming of(boolean httpSocket, String protocol, boolean headRequest, int status, long contentLength,
                              boolean clientKeepAlive, boolean upgradeRequested) {
        boolean bodyAllowed = !headRequest && !ResponseChannel.statusForbidsBody(status);
        List<String> lines = new ArrayList<>(2);
        if (contentLength >= 0 && !ResponseChannel.statusForbidsContentLength(status)) {
            lines.add("Content-Length: " + contentLength);
        }
        if (!httpSocket) {
            return new ResponseFraming(bodyAllowed, false, false, false, lines);
        }
        if (status == 101 && upgradeRequested) {
            // the connection stays open and changes protocol once this head is out; no body framing at all
            lines.add("Connection: Upgrade");
            return new ResponseFraming(bodyAllowed, false, true, true, lines);
        }
        boolean http11 = protocol.equals("HTTP/1.1");
        boolean keepAlive = clientKeepAlive && (contentLength >= 0 || !bodyAllowed || http11);
        // an HTTP/1.1 body of unknown length is chunked even on a closing connection: the client then
        // sees a clean end (and any trailer fields) instead of guessing from the close
        boolean chunked = contentLength < 0 && bodyAllowed && (keepAlive || http11);
        if (chunked) {
            lines.add("Transfer-Encoding: chunked");
        }
        if (!keepAlive) {
            lines.add("Connection: close");
        } else if (!http11) {
            lines.add("Connection: keep-alive");
        }
        return new ResponseFraming(bodyAllowed, chunked, keepAlive, false, lines);
    }

    /** Appends body bytes as they go on the wire: as they are, or as one chunk. */
    void writeBody(ByteBuf out, byte[] bytes, int offset, int length) {
        if (chunked) {
            out.writeCharSequence(Integer.toHexString(length), StandardCharsets.US_ASCII);
            out.writeBytes(CRLF).writeBytes(bytes, offset, length).writeBytes(CRLF);
        } else {
            out.writeBytes(bytes, offset, length);
        }
    }

    /** Bytes {@link #writeBody} adds around {@code length} body bytes. */
    int overhead(int length) {
        return chunked ? Integer.toHexString(length).length() + 4 : 0;
    }

    /** "0", the trailer fields (control characters made spaces, so none can end the head), and the final CRLF. */
    static byte[] lastChunk(Map<String, String> trailers) {
        if (trailers == null || trailers.isEmpty()) {
            return LAST_CHUNK;
        }
        StringBuilder out = new StringBuilder("0\r\n");
        for (Map.Entry<String, String> field : trailers.entrySet()) {
            out.append(field.getKey().replaceAll("[^!#$%&'*+.^_`|~0-9A-Za-z-]", "")).append(": ")
                    .append(field.getValue() == null ? "" : field.getValue().replaceAll("[\\x00-\\x1f\\x7f]", " "))
                    .append("\r\n");
        }
        return out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
