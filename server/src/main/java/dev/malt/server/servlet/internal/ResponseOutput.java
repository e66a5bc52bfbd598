package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.ResponseChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The response buffer and its commit rules (Servlet 6, section 5.1). Bytes collect in a buffer of
 * {@link #bufferSize()} bytes; the head goes out ("commit") when the buffer overflows, on flush, when
 * the app's declared content length is reached, or when the response is closed. If the whole body is
 * still in the buffer at close, the transport is told its exact length; otherwise the declared
 * length, or {@link ResponseChannel#UNKNOWN_LENGTH} so the transport chunks.
 *
 * <p>A HEAD response, or a status that forbids a body, goes through the same accounting so that its
 * headers match what a GET would get, but no body byte reaches the channel.
 */
public final class ResponseOutput {

    public static final int DEFAULT_BUFFER_SIZE = 8192;
    /** The first allocation of the buffer, when the first write is smaller. */
    private static final int MIN_BUFFER_ALLOCATION = 256;

    private static final Logger log = LoggerFactory.getLogger(ResponseOutput.class);

    /** What the output needs from the response when it commits. */
    public interface Head {
        int status();

        /** The header list to send; never Content-Length, Transfer-Encoding or Connection. */
        List<Map.Entry<String, String>> headersToSend();

        /** The length the app declared, or -1. */
        long declaredLength();

        /** The app's trailer fields, or null: they need a chunked body. */
        default java.util.function.Supplier<Map<String, String>> trailers() {
            return null;
        }

        /**
         * The response is about to end (its last bytes go out next), perhaps before the servlet returns: a
         * declared Content-Length reached, a redirect. Sessions shared by workers are saved here, so the
         * client's next request, which may reach another worker at once, finds them.
         */
        default void beforeEnd() {
        }
    }

    private final ResponseChannel channel;
    private final Head head;
    private final boolean headRequest;

    private int bufferSize = DEFAULT_BUFFER_SIZE;
    private byte[] buffer;
    private int count;
    /** Body bytes the app wrote since the last buffer reset, sent or not. */
    private long written;
    private long sentLength = ResponseChannel.UNKNOWN_LENGTH;
    private boolean bodyless;
    private boolean committed;
    private boolean closed;
    private boolean finished;
    /** The channel failed once: the peer is gone, so later output fails fast without touching it. */
    private ClientAbortException broken;
    private ResponseWriter writer;
    /** After sendError: the app's output is dropped until the container writes the error page. */
    private boolean suspended;
    /** While an include runs, closing the output only flushes it: the including servlet continues. */
    private int includeDepth;

    public ResponseOutput(ResponseChannel channel, Head head, boolean headRequest) {
        this.channel = channel;
        this.head = head;
        this.headRequest = headRequest;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public void setBufferSize(int size) {
        if (committed || written > 0) {
            throw new IllegalStateException(ServletMessages.bufferSizeAfterWrite());
        }
        bufferSize = Math.max(size, 0);
        buffer = null;
    }

    public boolean isCommitted() {
        return committed;
    }

    public ResponseChannel channel() {
        return channel;
    }

    public void setSuspended(boolean suspended) {
        this.suspended = suspended;
    }

    public void beginInclude() {
        includeDepth++;
    }

    public void endInclude() {
        includeDepth--;
    }

    /** Bytes the app wrote since the last reset, sent or not. */
    public long written() {
        return written;
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean isFinished() {
        return finished;
    }

    /** Lets buffer resets and the final close reach chars the writer still holds. */
    void attach(ResponseWriter writer) {
        this.writer = writer;
    }

    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (broken != null) {
            throw broken;
        }
        if (closed || suspended || length <= 0) {
            return; // after close, sendError or a reached Content-Length, output is ignored (spec 5.7)
        }
        long declared = head.declaredLength();
        int accepted = length;
        if (declared >= 0 && written + length > declared) {
            accepted = (int) Math.max(0, declared - written);
            log.debug("Response body longer than the declared Content-Length {}; {} bytes dropped",
                    declared, length - accepted);
        }
        if (accepted > 0) {
            buffer(bytes, offset, accepted);
        }
        if (declared >= 0 && written >= declared) {
            close();
        }
    }

    private void buffer(byte[] bytes, int offset, int length) throws IOException {
        written += length;
        if (count + length <= bufferSize) {
            ensureBuffer(count + length);
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
            return;
        }
        commit(false);
        drain();
        if (length >= bufferSize) {
            send(bytes, offset, length);
        } else {
            ensureBuffer(length);
            System.arraycopy(bytes, offset, buffer, 0, length);
            count = length;
        }
    }

    /**
     * The buffer grows to what the body needs, up to {@link #bufferSize()}: most responses are far smaller than
     * the default 8 KiB, and a fresh 8 KiB array per response was a third of a worker's allocation per request.
     */
    private void ensureBuffer(int needed) {
        if (buffer != null && buffer.length >= needed) {
            return;
        }
        int size = Math.max(needed, buffer == null ? MIN_BUFFER_ALLOCATION : buffer.length * 2);
        byte[] grown = new byte[Math.min(size, bufferSize)];
        if (buffer != null && count > 0) {
            System.arraycopy(buffer, 0, grown, 0, count);
        }
        buffer = grown;
    }

    /**
     * Sends a file region as the whole body (the default servlet): the head with its exact length,
     * then the bytes through {@link ResponseChannel#writeFile}, without passing through the buffer.
     * The response is closed afterwards. Nothing may have been written before.
     */
    public void sendFile(java.nio.file.Path file, long position, long length) throws IOException {
        if (broken != null) {
            throw broken;
        }
        if (closed || suspended) {
            return;
        }
        resetBuffer();
        written = length;
        head.beforeEnd();
        commitWithLength(length);
        if (!bodyless && length > 0) {
            try {
                channel.writeFile(file, position, length);
            } catch (IOException e) {
                closed = true;
                abort(e);
                throw broken(e);
            }
        }
        closed = true;
        finished = true;
        try {
            channel.finish();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    private void commitWithLength(long length) throws IOException {
        committed = true;
        int status = head.status();
        bodyless = headRequest || ResponseChannel.statusForbidsBody(status);
        sentLength = length;
        try {
            channel.writeHead(status, null, head.headersToSend(), length);
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** Commits and pushes everything written so far to the peer. */
    public void flush() throws IOException {
        if (broken != null) {
            throw broken;
        }
        if (closed || suspended) {
            return;
        }
        commit(false);
        drain();
        try {
            channel.flush();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** Discards buffered bytes that have not been sent. */
    public void resetBuffer() {
        if (committed) {
            throw new IllegalStateException(ServletMessages.resetAfterCommit());
        }
        count = 0;
        written = 0;
        if (writer != null) {
            writer.discardPending();
        }
    }

    /** Ends the response: commits if needed, sends the rest and finishes the channel. Idempotent. */
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (includeDepth > 0) {
            flush();
            return;
        }
        ResponseWriter pending = writer;
        writer = null; // a write below may reach the declared length and close re-entrantly
        if (pending != null) {
            pending.endOfInput();
            if (closed) {
                return;
            }
        }
        closed = true;
        if (broken != null) {
            abort(broken); // e.g. a PrintWriter swallowed the failure: end the exchange now
            throw broken;
        }
        head.beforeEnd();
        try {
            commit(true);
            drain();
        } catch (IOException e) {
            abort(e);
            throw e;
        }
        if (!bodyless && sentLength >= 0 && written < sentLength) {
            // the head promised more bytes than came: a clean finish would leave the client waiting
            String message = ServletMessages.bodyShorterThanDeclared(written, sentLength);
            log.warn(message);
            abort(new IOException(message));
            return;
        }
        finished = true;
        try {
            java.util.function.Supplier<Map<String, String>> trailers = head.trailers();
            if (trailers != null) {
                channel.setTrailers(trailers.get());
            }
            channel.finish();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** Ends the response abnormally; the client sees the connection close. */
    public void abort(Throwable cause) {
        closed = true;
        if (!finished) {
            finished = true;
            channel.abort(cause);
        }
    }

    private void commit(boolean last) throws IOException {
        if (committed) {
            return;
        }
        committed = true;
        int status = head.status();
        bodyless = headRequest || ResponseChannel.statusForbidsBody(status);
        sentLength = frameLength(status, last);
        try {
            channel.writeHead(status, null, head.headersToSend(), sentLength);
        } catch (IOException e) {
            throw broken(e);
        }
    }

    private long frameLength(int status, boolean last) {
        long declared = head.declaredLength();
        if (ResponseChannel.statusForbidsContentLength(status)) {
            return ResponseChannel.UNKNOWN_LENGTH;
        }
        if (status == 304) {
            return declared; // what the GET would have sent, if the app knows it
        }
        if (headRequest && declared >= 0) {
            return declared; // HEAD may declare a length without writing anything
        }
        if (head.trailers() != null) {
            return ResponseChannel.UNKNOWN_LENGTH; // trailers travel after a chunked body only
        }
        if (last) {
            return written; // the whole body is in the buffer: its size is the truth
        }
        return declared >= 0 ? declared : ResponseChannel.UNKNOWN_LENGTH;
    }

    private void drain() throws IOException {
        if (count > 0) {
            int n = count;
            count = 0;
            send(buffer, 0, n);
        }
    }

    private void send(byte[] bytes, int offset, int length) throws IOException {
        if (bodyless) {
            return;
        }
        try {
            channel.write(bytes, offset, length);
        } catch (IOException e) {
            throw broken(e);
        }
    }

    private ClientAbortException broken(IOException e) {
        broken = e instanceof ClientAbortException abort ? abort : new ClientAbortException(e);
        return broken;
    }
}
