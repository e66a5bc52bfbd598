package dev.malt.server.worker;

import dev.malt.server.servlet.UpgradedConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The HTTP socket's connection after a 101 response: the last handler of its pipeline, passing raw bytes
 * between the socket and the servlet layer's upgrade handler.
 *
 * <p>Input goes through a {@link RequestBody} queue, so reads from the socket stop while
 * {@code highWater} bytes wait unread. The peer shutting its side ends the input (half-closure is on for
 * upgraded connections, so the handler may still answer). Output is gathered like a response body and
 * blocks, or not, like one.
 */
final class UpgradedChannel extends ChannelInboundHandlerAdapter implements UpgradedConnection {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradedChannel.class);

    private final Channel channel;
    private final RequestBody input;
    private final WritabilityGate writability;
    private final Consumer<UpgradedChannel> onRelease;
    private final AtomicBoolean released = new AtomicBoolean();
    private final String socketName;
    private ChannelHandlerContext ctx;
    /** Whether the last offer left room in the queue; if not, the reader's demand asks for the next read. */
    private boolean wantRead = true;
    /** Bytes the HTTP decoder hands over while it is removed arrive before reading starts. */
    private boolean switching = true;
    /** Told once the connection is gone, after the input has heard of it (so onError comes before destroy). */
    private final List<Runnable> whenGone = new CopyOnWriteArrayList<>();
    private volatile boolean gone;
    /** The worker closed the connection at the end of its mercy period. */
    private volatile boolean stopping;

    // app side (one thread at a time)
    private ByteBuf gathered;
    private volatile boolean nonBlocking;
    private volatile boolean closing;

    /**
     * @param highWater unread input bytes at which reading from the socket stops (the HTTP socket passes
     *                  {@link RequestBody#DEFAULT_HIGH_WATER}, 128 KiB, as for request bodies)
     * @param onRelease runs once when the servlet layer is done with the connection
     */
    UpgradedChannel(Channel channel, String socketName, int highWater, long writeStallMillis,
                    Consumer<UpgradedChannel> onRelease) {
        this.channel = channel;
        this.socketName = socketName;
        this.input = new RequestBody(highWater, this::readLater);
        this.writability = new WritabilityGate(channel, writeStallMillis);
        this.onRelease = onRelease;
    }

    // ---- event loop ---------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    private void readLater() {
        ctx.executor().execute(ctx::read);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        wantRead = input.offer(bytes, false);
        if (wantRead && !switching) {
            ctx.read();
        }
    }

    /** The pipeline speaks the new protocol now: reading begins, unless the bytes handed over fill the queue. */
    void switchDone() {
        switching = false;
        if (!channel.isActive()) {
            connectionGone(); // closed before this handler joined the pipeline: no channelInactive will come
        } else if (wantRead) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            input.offer(Unpooled.EMPTY_BUFFER, true);
        } else if (!(event instanceof DrainEvent)) {
            // a stopping worker lets upgraded connections run to the end of its mercy period, then closes them
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        writability.changed();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connectionGone();
        ctx.fireChannelInactive();
    }

    private void connectionGone() {
        if (gone) {
            return;
        }
        gone = true;
        input.fail(new IOException(stopping
                ? "the worker is stopping: upgraded connections are closed at the end of its mercy period"
                : "the upgraded connection was closed or broke before the client ended its input"));
        writability.changed();
        for (Runnable callback : whenGone) {
            if (whenGone.remove(callback)) {
                callback.run();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("upgraded connection on {} from {} failed: {}", socketName, channel.remoteAddress(), cause.toString());
        } else {
            LOG.error("unexpected error on upgraded connection on {} from {}; closed", socketName, channel.remoteAddress(), cause);
        }
        ctx.close();
    }

    /** For a stopping worker at the end of its mercy period. */
    void closeNow() {
        stopping = true;
        channel.close();
    }

    // ---- UpgradedConnection: input ------------------------------------------------------------

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public boolean inputReadable() {
        return input.readableNow();
    }

    @Override
    public boolean inputFinished() {
        return input.drained();
    }

    @Override
    public void whenInputReadable(Runnable callback) {
        input.whenReadable(callback);
    }

    // ---- UpgradedConnection: output -----------------------------------------------------------

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ensureOpen();
        if (length == 0) {
            return;
        }
        if (gathered == null) {
            gathered = channel.alloc().buffer(Math.min(length, ResponseGather.LIMIT));
        }
        gathered.writeBytes(bytes, offset, length);
        if (gathered.readableBytes() >= ResponseGather.LIMIT) {
            channel.write(takeGathered());
            if (nonBlocking) {
                channel.flush();
            } else {
                writability.await();
                ensureOpen();
            }
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
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        ByteBuf last = gathered != null ? takeGathered() : Unpooled.EMPTY_BUFFER;
        // closes after the bytes are out; a plain close() would drop what is still queued
        channel.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }

    /** After the input failed (if it had not ended): a waiting reader hears of the loss before this runs. */
    @Override
    public void whenClosed(Runnable callback) {
        whenGone.add(callback);
        if (gone && whenGone.remove(callback)) {
            callback.run();
        }
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            input.close(); // bytes the handler never read
            if (gathered != null) {
                takeGathered().release();
            }
            onRelease.accept(this);
        }
    }

    private ByteBuf takeGathered() {
        ByteBuf out = gathered;
        gathered = null;
        return out;
    }

    private void ensureOpen() throws IOException {
        if (closing) {
            throw new IOException("the upgraded connection is closed");
        }
        if (!channel.isActive()) {
            throw new IOException("connection closed by the client");
        }
    }
}
