package dev.malt.server.servlet;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The transport side of a response. The servlet layer decides status, headers and bytes; the transport
 * decides framing: it writes the status line with the request's SERVER_PROTOCOL and, when the length
 * is unknown, chunks the body (HTTP/1.1 keep-alive) or delimits it by closing the connection.
 *
 * <p>Calls come from one app thread at a time. Writes block while the peer is slower than the app,
 * so a large response never piles up in memory.
 */
public interface ResponseChannel {

    /** Length value meaning "not known before the body is written". */
    long UNKNOWN_LENGTH = -1;

    /**
     * Sends the status line and headers. Called once, before any body bytes.
     *
     * @param status        the HTTP status code
     * @param reason        the reason phrase, or {@code null} for the standard one
     * @param headers       header name/value pairs in order; repeated names are repeated entries.
     *                      Must not contain Content-Length, Transfer-Encoding or Connection: the
     *                      transport owns framing.
     * @param contentLength the exact body length, or {@link #UNKNOWN_LENGTH}
     */
    void writeHead(int status, String reason, List<Map.Entry<String, String>> headers, long contentLength)
            throws IOException;

    /** Sends body bytes. {@link #writeHead} must have been called. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Pushes buffered bytes to the peer now. */
    void flush() throws IOException;

    /** Ends the response normally. Further calls are ignored. */
    void finish() throws IOException;

    /** Ends the response abnormally: the connection is closed and the client sees a truncated reply. */
    void abort(Throwable cause);

    /** True once {@link #writeHead} has run. */
    boolean isHeadWritten();
}
