package dev.malt.server.worker;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.GatewayExchange;
import dev.malt.server.servlet.ResponseChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One request on one connection, seen from both sides: the event loop feeds the body and learns when
 * the response is done; an app thread reads the body and writes the response.
 *
 * <p>Response writes block the app thread while the connection is not writable, so a slow client
 * costs a thread, never unbounded memory.
 */
final class ChannelExchange implements GatewayExchange, ResponseChannel {

    /** Told on the event loop when the last response byte has been handed to the socket. */
    interface Completion {
        void responseComplete(ChannelExchange exchange, boolean keepAlive);
    }


    private static final byte[] CRLF = {'\r', '\n'};
    /**
     * Bytes the app thread gathers before handing them to the event loop. Every hand-off is a task and
     * often a wake-up of the loop; a small response (head and body) goes out in one.
     */
    static final int GATHER_LIMIT = 16 * 1024;
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Channel channel;
    private final UwsgiVars vars;
    private final RequestBody body;
    private final boolean httpSocket;
    private final boolean clientKeepAlive;
    /** How long a write may wait for a stalled client before the app gets an IOException ({@code socket-timeout}). */
    private final long writeStallMillis;
    private final Completion completion;
    private final long startNanos = System.nanoTime();
    private final Object writability = new Object();

    private boolean headWritten;
    /** Gathered head and body bytes not yet handed to the loop; app thread only. */
    private ByteBuf gathered;
    private volatile boolean finished;
    private boolean chunked;
    private boolean bodyAllowed;
    private boolean keepAlive;
    private volatile int status;
    private volatile long bodyBytes;
    private volatile boolean detached;
    private volatile boolean nonBlocking;
    private Runnable onEnd;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.List<Runnable> whenWritable = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long number;
    private Map<String, String> trailers;
    /** Trailer fields of a chunked HTTP request, set by the event loop before the body's end is offered. */
    private volatile Map<String, String> requestTrailers = Map.of();

    /**
     * @param httpSocket      true when the peer is an HTTP client rather than a uwsgi frontend: the
     *                        transport then frames the body itself (Content-Length, chunked or close)
     * @param clientKeepAlive whether the HTTP client allows another request on this connection
     */
    ChannelExchange(Channel channel, UwsgiVars vars, RequestBody body, boolean httpSocket, boolean clientKeepAlive,
                    long writeStallMillis, Completion completion) {
        this.writeStallMillis = writeStallMillis;
        this.channel = channel;
        this.vars = vars;
        this.body = body;
        this.httpSocket = httpSocket;
        this.clientKeepAlive = clientKeepAlive;
        this.completion = completion;
    }

    // ---- GatewayExchange ----------------------------------------------------------------------

    @Override
    public UwsgiVars vars() {
        return vars;
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public ResponseChannel response() {
        return this;
    }

    RequestBody requestBody() {
        return body;
    }

    @Override
    public void whenBodyReadable(Runnable callback) {
        body.whenReadable(callback);
    }

    @Override
    public void whenPeerGone(Runnable callback) {
        channel.closeFuture().addListener(f -> {
            if (!finished) {
                callback.run();
            }
        });
    }

    @Override
    public void detach() {
        detached = true;
    }

    boolean isDetached() {
        return detached;
    }

    /** Runs once when the response ends, finished or aborted: the dispatcher's accounting. */
    void onEnd(Runnable callback) {
        this.onEnd = callback;
    }

    private void ended() {
        if (ended.compareAndSet(false, true) && onEnd != null) {
            onEnd.run();
        }
    }

    void setNumber(long number) {
        this.number = number;
    }

    long number() {
        return number;
    }

    // ---- ResponseChannel ----------------------------------------------------------------------

    @Override
    public void writeHead(int status, String reason, List<Map.Entry<String, String>> headers, long contentLength)
            throws IOException {
        if (headWritten) {
            throw new IllegalStateException("response head already written");
        }
        ensureOpen();
        headWritten = true;
        this.status = status;
        String protocol = ResponseHead.statusLineProtocol(vars.get("SERVER_PROTOCOL"));
        bodyAllowed = !"HEAD".equals(vars.get("REQUEST_METHOD")) && !ResponseHead.statusForbidsBody(status);
        List<String> framing = new ArrayList<>(2);
        if (contentLength >= 0 && (status == 304 || !ResponseHead.statusForbidsBody(status))) {
            framing.add("Content-Length: " + contentLength);
        }
        if (httpSocket) {
            boolean http11 = protocol.equals("HTTP/1.1");
            keepAlive = clientKeepAlive && (contentLength >= 0 || !bodyAllowed || http11);
            // an HTTP/1.1 body of unknown length is chunked even on a closing connection: the client then
            // sees a clean end (and any trailer fields) instead of guessing from the close
            if (contentLength < 0 && bodyAllowed && (keepAlive || http11)) {
                chunked = true;
                framing.add("Transfer-Encoding: chunked");
            }
            if (!keepAlive) {
                framing.add("Connection: close");
            } else if (!http11) {
                framing.add("Connection: keep-alive");
            }
        }
        gathered = channel.alloc().buffer(512);
        ResponseHead.encode(gathered, protocol, status, reason, headers, framing);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (!headWritten) {
            throw new IllegalStateException("writeHead must come before the body");
        }
        if (length == 0 || !bodyAllowed) {
            return;
        }
        ensureOpen();
        if (gathered == null) {
            gathered = channel.alloc().buffer(Math.min(length + 16, GATHER_LIMIT));
        }
        if (chunked) {
            gathered.writeCharSequence(Integer.toHexString(length), StandardCharsets.US_ASCII);
            gathered.writeBytes(CRLF).writeBytes(bytes, offset, length).writeBytes(CRLF);
        } else {
            gathered.writeBytes(bytes, offset, length);
        }
        bodyBytes += length;
        if (gathered.readableBytes() >= GATHER_LIMIT) {
            channel.write(takeGathered());
            if (nonBlocking) {
                channel.flush();
            } else {
                awaitWritable();
            }
        }
    }

    /** sendfile through a FileRegion: the bytes never enter the heap, and the app thread does not wait for them. */
    @Override
    public void writeFile(java.nio.file.Path file, long position, long length) throws IOException {
        if (!headWritten) {
            throw new IllegalStateException("writeHead must come before the body");
        }
        if (length == 0 || !bodyAllowed) {
            return;
        }
        if (chunked) {
            ResponseChannel.super.writeFile(file, position, length);
            return;
        }
        ensureOpen();
        if (gathered != null) {
            channel.write(takeGathered());
        }
        channel.write(new io.netty.channel.DefaultFileRegion(file.toFile(), position, length));
        bodyBytes += length;
    }

    void setRequestTrailers(Map<String, String> fields) {
        requestTrailers = fields;
    }

    @Override
    public boolean trailerFieldsReady() {
        String encoding = vars.get("HTTP_TRANSFER_ENCODING");
        boolean chunked = httpSocket && encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked");
        return !chunked || body.isComplete();
    }

    @Override
    public Map<String, String> trailerFields() {
        return requestTrailers;
    }

    @Override
    public boolean supportsTrailers() {
        return httpSocket && "HTTP/1.1".equals(ResponseHead.statusLineProtocol(vars.get("SERVER_PROTOCOL")));
    }

    @Override
    public void setTrailers(Map<String, String> trailers) {
        this.trailers = trailers;
    }

    /** "0", the trailer fields (control characters made spaces, so none can end the head), and the final CRLF. */
    private byte[] lastChunk() {
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

    @Override
    public void setNonBlocking() {
        nonBlocking = true;
    }

    @Override
    public boolean isReady() {
        return channel.isWritable() || !channel.isActive();
    }

    @Override
    public void whenReady(Runnable callback) {
        if (isReady()) {
            callback.run();
            return;
        }
        whenWritable.add(callback);
        if (isReady() && whenWritable.remove(callback)) {
            callback.run();
        }
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        if (gathered != null) {
            channel.write(takeGathered());
        }
        channel.flush();
    }

    private ByteBuf takeGathered() {
        ByteBuf out = gathered;
        gathered = null;
        return out;
    }

    @Override
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        if (!headWritten) {
            writeHead(200, null, List.of(), 0);
        }
        finished = true;
        ByteBuf tail = gathered != null ? takeGathered() : Unpooled.EMPTY_BUFFER;
        if (chunked) {
            byte[] last = lastChunk();
            tail = tail.isReadable() ? tail.writeBytes(last) : Unpooled.wrappedBuffer(last);
        }
        boolean reuse = keepAlive;
        ended(); // counted before the bytes leave: a client that saw the response sees the count too
        channel.writeAndFlush(tail).addListener(f -> completion.responseComplete(this, reuse && f.isSuccess()));
    }

    @Override
    public void abort(Throwable cause) {
        finished = true;
        if (gathered != null) {
            takeGathered().release();
        }
        channel.close();
        ended();
    }

    @Override
    public boolean isHeadWritten() {
        return headWritten;
    }

    // ---- event loop notifications -------------------------------------------------------------

    void writabilityChanged() {
        synchronized (writability) {
            writability.notifyAll();
        }
        if (!whenWritable.isEmpty() && isReady()) {
            for (Runnable callback : whenWritable) {
                if (whenWritable.remove(callback)) {
                    callback.run();
                }
            }
        }
    }

    // ---- for the request log and stats --------------------------------------------------------

    int status() {
        return status;
    }

    long bodyBytes() {
        return bodyBytes;
    }

    long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    private void awaitWritable() throws IOException {
        if (channel.isWritable()) {
            return;
        }
        channel.flush();
        long deadline = System.currentTimeMillis() + writeStallMillis;
        synchronized (writability) {
            while (!channel.isWritable() && channel.isActive()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    channel.close();
                    throw new IOException("client did not read the response for "
                            + writeStallMillis / 1000 + " s (socket-timeout); connection closed");
                }
                try {
                    writability.wait(Math.min(left, 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the client was slow to read");
                }
            }
        }
        ensureOpen();
    }

    private void ensureOpen() throws IOException {
        if (!channel.isActive()) {
            throw new IOException("connection closed by the client");
        }
    }
}
