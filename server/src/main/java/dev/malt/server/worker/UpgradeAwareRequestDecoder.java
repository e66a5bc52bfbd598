package dev.malt.server.worker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * Netty's HTTP/1 request decoder, made to stop after a request that asks to switch protocols (it has an
 * {@code Upgrade} header) until its answer is known: the bytes that follow belong to the new protocol if
 * the response is 101, and to the next HTTP request otherwise. A client may send them before it has
 * seen the answer.
 *
 * <p>While paused it decodes nothing and asks for no reads. Bytes that arrive meanwhile (at most one
 * read, asked for before the pause) are held in order behind its own buffer. On {@link #resume} all of
 * them are decoded as HTTP; when the decoder is removed from the pipeline, Netty hands its buffer to the
 * next handler and this class hands the held bytes after it, so the new protocol's handler gets every
 * byte, in order. Event loop only.
 */
final class UpgradeAwareRequestDecoder extends HttpRequestDecoder {

    private ChannelHandlerContext ctx;
    /** The request being decoded carries an Upgrade header: pause once its end has been decoded. */
    private boolean upgradeRequest;
    private boolean paused;
    private CompositeByteBuf held;

    UpgradeAwareRequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    boolean isPaused() {
        return paused;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (paused) {
            return; // leaves the buffer as it is: ByteToMessageDecoder stops its loop
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            Object message = out.get(i);
            if (message instanceof HttpRequest request) {
                upgradeRequest = request.decoderResult().isSuccess() && request.headers().contains(HttpHeaderNames.UPGRADE);
            }
            if (message instanceof LastHttpContent && upgradeRequest) {
                upgradeRequest = false;
                paused = true;
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (paused && msg instanceof ByteBuf bytes) {
            // not through the decoder: it would ask for another read each time it decodes nothing
            if (held == null) {
                held = ctx.alloc().compositeBuffer();
            }
            held.addComponent(true, bytes);
            return;
        }
        super.channelRead(ctx, msg);
    }

    /**
     * The request before was not upgraded: decode what waited as HTTP. Must not be called from inside this
     * decoder's own {@code channelRead}; the caller schedules it on the loop.
     */
    void resume() throws Exception {
        if (!paused || ctx.isRemoved()) {
            return;
        }
        paused = false;
        ByteBuf waiting = held != null ? held : Unpooled.EMPTY_BUFFER;
        held = null;
        super.channelRead(ctx, waiting);
        // ends the read cycle as a socket read would: resets the decoder's bookkeeping, and asks for more
        // bytes when what waited did not make a whole message
        super.channelReadComplete(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        try {
            super.handlerRemoved0(ctx);
        } finally {
            // Netty has just passed the decoder's own buffer on; what arrived after it follows
            CompositeByteBuf after = held;
            held = null;
            if (after != null) {
                if (after.isReadable()) {
                    ctx.fireChannelRead(after);
                    ctx.fireChannelReadComplete();
                } else {
                    after.release();
                }
            }
        }
    }
}
