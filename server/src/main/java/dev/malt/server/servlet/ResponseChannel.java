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
 *
 * <p><b>Responses without a body.</b> For a HEAD request, and for status 1xx, 204 and 304, the servlet
 * layer writes no body bytes. It still passes the length a GET would have had when it knows it (HEAD,
 * 304), so the transport may send it as Content-Length; for 1xx and 204 it passes
 * {@link #UNKNOWN_LENGTH}. The transport must frame no body for these: no chunked encoding and no
 * terminating chunk, and no Content-Length on 1xx/204.
 *
 * <p><b>Ending.</b> {@code ServletHost.handle} always ends the exchange with {@link #finish} or
 * {@link #abort}; {@code finish} may come before {@code handle} returns (the app closed its output or
 * reached its declared Content-Length). A finish after fewer bytes than a declared length never
 * happens: the servlet layer aborts instead.
 */
public interface ResponseChannel {

    /** Length value meaning "not known before the body is written". */
    long UNKNOWN_LENGTH = -1;

    /** 1xx, 204 and 304 responses never carry a body (RFC 9110, 6.4.1). Every layer asks here. */
    static boolean statusForbidsBody(int status) {
        return status < 200 || status == 204 || status == 304;
    }

    /**
     * 1xx and 204 responses carry no Content-Length either (RFC 9110, 8.6); a 304 may carry the one a GET would
     * have had.
     */
    static boolean statusForbidsContentLength(int status) {
        return status < 200 || status == 204;
    }

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

    /**
     * Sends {@code length} bytes of {@code file} from {@code position} as body bytes, without copying
     * them through the JVM heap where the transport can (sendfile). Blocks like {@link #write}. The
     * default reads the file in pieces and writes them.
     */
    default void writeFile(java.nio.file.Path file, long position, long length) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(1, length)));
            long left = length;
            long at = position;
            while (left > 0) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                int n = channel.read(buffer, at);
                if (n < 0) {
                    throw new java.io.EOFException(file + " ended " + left + " bytes early");
                }
                write(buffer.array(), 0, n);
                at += n;
                left -= n;
            }
        }
    }

    /**
     * Whether trailer fields can reach the client: an HTTP/1.1 client on the HTTP socket, with a chunked
     * body. Not through a uwsgi frontend (nginx does not pass upstream trailers on) nor to HTTP/1.0.
     */
    default boolean supportsTrailers() {
        return false;
    }

    /** Trailer fields to send after the last chunk; called once, just before {@link #finish}. */
    default void setTrailers(Map<String, String> trailers) {
    }

    /**
     * Switches writes to non-blocking (the servlet {@code WriteListener}): from now on {@link #write}
     * never waits for a slow peer; the caller asks {@link #isReady()} before each write instead.
     */
    default void setNonBlocking() {
    }

    /** Whether a write now would be taken without waiting for the peer. */
    default boolean isReady() {
        return true;
    }

    /**
     * Runs {@code callback} once, when {@link #isReady()} becomes true again (or the peer is gone).
     * Runs it at once when writes are ready now. The callback may run on an event loop and must only hand off.
     */
    default void whenReady(Runnable callback) {
        callback.run();
    }
}
