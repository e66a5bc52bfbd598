package dev.malt.server.worker;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.GatewayExchange;
import dev.malt.server.servlet.ResponseChannel;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * One request on one connection, seen from both sides: the event loop feeds the body and learns when
 * the response is done; an app thread reads the body and writes the response. How the response is framed is
 * {@link ResponseFraming}'s job, how its bytes reach the loop {@link ResponseGather}'s, and the counting is the
 * {@link AppDispatcher}'s; this class ties them to the servlet layer's {@link GatewayExchange} and
 * {@link ResponseChannel}.
 */
final class ChannelExchange implements GatewayExchange, ResponseChannel {

    /** Told on the event loop when the last response byte has been handed to the socket. */
    interface Completion {
        void responseComplete(ChannelExchange exchange, boolean keepAlive);
    }

    /** The servlet layer's two continuations for an upgrade: the connection, or the news that there is none. */
    private record UpgradeRequest(java.util.function.Consumer<dev.malt.server.servlet.UpgradedConnection> switched,
                                  Runnable notSwitched) {
    }


    private final Channel channel;
    private final UwsgiVars vars;
    private final RequestBody body;
    private final boolean httpSocket;
    private final boolean clientKeepAlive;
    private final Completion completion;
    private final long startNanos = System.nanoTime();
    private final WritabilityGate writability;
    private final ResponseGather gather;

    private boolean headWritten;
    /** Set by {@link #writeHead}: how this response goes on the wire. */
    private ResponseFraming framing;
    private volatile boolean finished;
    private volatile int status;
    private volatile long bodyBytes;
    private volatile boolean detached;
    private volatile boolean nonBlocking;
    private Runnable onEnd;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    /** What the servlet layer asked for with {@link #upgradeAfterResponse}; taken once by whichever outcome comes. */
    private final java.util.concurrent.atomic.AtomicReference<UpgradeRequest> upgrade = new java.util.concurrent.atomic.AtomicReference<>();
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
        this.writability = new WritabilityGate(channel, writeStallMillis);
        this.gather = new ResponseGather(channel, writability);
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
        framing = ResponseFraming.of(httpSocket, protocol, "HEAD".equals(vars.get("REQUEST_METHOD")), status,
                contentLength, clientKeepAlive, upgrade.get() != null);
        int headSize = ResponseHead.estimateSize(headers, framing.headerLines);
        // a body of known, small length goes into the same buffer as the head
        long body = framing.bodyAllowed && contentLength > 0 ? Math.min(contentLength, ResponseGather.LIMIT) : 0;
        ResponseHead.encode(gather.reserve((int) (headSize + body), false), protocol, status, reason, headers,
                framing.headerLines);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (!headWritten) {
            throw new IllegalStateException("writeHead must come before the body");
        }
        if (length == 0 || !framing.bodyAllowed) {
            return;
        }
        ensureOpen();
        ByteBuf out = gather.reserve(length + framing.overhead(length), nonBlocking);
        ensureOpen(); // a wait for the client may have ended with the client gone
        framing.writeBody(out, bytes, offset, length);
        bodyBytes += length;
    }

    /** sendfile through a FileRegion: the bytes never enter the heap, and the app thread does not wait for them. */
    @Override
    public void writeFile(java.nio.file.Path file, long position, long length) throws IOException {
        if (!headWritten) {
            throw new IllegalStateException("writeHead must come before the body");
        }
        if (length == 0 || !framing.bodyAllowed) {
            return;
        }
        if (framing.chunked) {
            ResponseChannel.super.writeFile(file, position, length);
            return;
        }
        ensureOpen();
        gather.handOff();
        channel.write(new io.netty.channel.DefaultFileRegion(file.toFile(), position, length));
        bodyBytes += length;
    }

    /**
     * The worker's own static files: a region of a file it opened, with a promise that tells how the write
     * went. Unlike {@link #writeFile}, the caller owns the file's lifetime until this call, and the region's after.
     */
    void writeRegion(io.netty.channel.FileRegion region, io.netty.channel.ChannelPromise promise) throws IOException {
        if (!headWritten || framing.chunked) {
            region.release();
            throw new IllegalStateException("a file region needs a head with a Content-Length first");
        }
        if (!framing.bodyAllowed || region.count() == 0) {
            region.release();
            promise.trySuccess();
            return;
        }
        if (!channel.isActive()) {
            region.release();
            throw new IOException("connection closed by the client");
        }
        gather.handOff();
        channel.write(region, promise);
        bodyBytes += region.count();
    }

    Channel channel() {
        return channel;
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

    @Override
    public void setNonBlocking() {
        nonBlocking = true;
    }

    @Override
    public boolean isReady() {
        return writability.isReady();
    }

    @Override
    public void whenReady(Runnable callback) {
        writability.whenReady(callback);
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        gather.handOff();
        channel.flush();
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
        ByteBuf tail = gather.takeTail(framing.chunked ? ResponseFraming.lastChunk(trailers) : null);
        boolean reuse = framing.keepAlive;
        ended(); // counted before the bytes leave: a client that saw the response sees the count too
        if (!framing.switching) {
            notSwitched();
        }
        channel.writeAndFlush(tail).addListener(f -> completion.responseComplete(this, reuse && f.isSuccess()));
    }

    @Override
    public void abort(Throwable cause) {
        finished = true;
        gather.discard();
        channel.close();
        ended();
        notSwitched();
    }

    // ---- protocol upgrade ---------------------------------------------------------------------

    @Override
    public boolean canUpgrade() {
        return httpSocket;
    }

    @Override
    public void upgradeAfterResponse(java.util.function.Consumer<dev.malt.server.servlet.UpgradedConnection> switched,
                                     Runnable notSwitched) {
        if (!httpSocket) {
            throw new UnsupportedOperationException("only the HTTP socket can switch protocols");
        }
        if (headWritten || !upgrade.compareAndSet(null, new UpgradeRequest(switched, notSwitched))) {
            throw new IllegalStateException("upgrade requested twice, or after the response head");
        }
    }

    /** Whether the response went out as 101 to an upgrade request: the connection changes hands after it. */
    boolean isSwitching() {
        return framing != null && framing.switching;
    }

    /** On the event loop: the connection now speaks the new protocol; the servlet layer takes it, if it still wants it. */
    boolean switched(dev.malt.server.servlet.UpgradedConnection connection) {
        UpgradeRequest request = upgrade.getAndSet(null);
        if (request == null) {
            return false;
        }
        request.switched().accept(connection);
        return true;
    }

    /** The response ended without a switch (another status, an abort, a client gone before the 101 was out). */
    void notSwitched() {
        UpgradeRequest request = upgrade.getAndSet(null);
        if (request != null) {
            request.notSwitched().run();
        }
    }

    @Override
    public boolean isHeadWritten() {
        return headWritten;
    }

    // ---- event loop notifications -------------------------------------------------------------

    void writabilityChanged() {
        writability.changed();
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

    private void ensureOpen() throws IOException {
        if (!channel.isActive()) {
            throw new IOException("connection closed by the client");
        }
    }
}
