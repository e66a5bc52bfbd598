package dev.malt.server.worker;

import dev.malt.protocol.UwsgiContent;
import dev.malt.protocol.UwsgiPackets;
import dev.malt.protocol.UwsgiPing;
import dev.malt.protocol.UwsgiProtocolException;
import dev.malt.protocol.UwsgiRequest;
import dev.malt.protocol.UwsgiTooLargeException;
import dev.malt.protocol.UwsgiUnsupportedModifierException;
import dev.malt.server.logging.RateLimitedLog;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Serves one uwsgi connection: one request, then close, as the uwsgi protocol has it.
 * Runs on the event loop; the request itself runs on an app thread through the {@link AppDispatcher}.
 */
final class UwsgiServerHandler extends GatewayConnectionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(UwsgiServerHandler.class);
    // Each kind of bad packet is a line a client can cause at will: rate-limited, per kind.
    private static final RateLimitedLog TOO_LARGE = new RateLimitedLog(LOG, "uwsgi requests over buffer-size or max-vars");
    private static final RateLimitedLog BAD_MODIFIER = new RateLimitedLog(LOG, "uwsgi packets with an unsupported modifier");
    private static final RateLimitedLog MALFORMED = new RateLimitedLog(LOG, "malformed uwsgi requests");
    private static final RateLimitedLog BROKEN_OFF = new RateLimitedLog(LOG, "uwsgi requests broken off");

    /** Read sizes for request bodies: bounds on the buffer of one read, whatever the body's length. */
    private static final int MIN_BODY_READ = 4096;
    private static final int MAX_BODY_READ = 64 * 1024;

    /**
     * Set on the loop once the last response byte is written. The app thread's own "finished" flag is
     * not enough: its writes may still be queued behind the event the loop is handling.
     */
    private boolean responseWritten;

    UwsgiServerHandler(AppDispatcher dispatcher, String socketName, long socketTimeoutMillis) {
        super(dispatcher, socketName, socketTimeoutMillis, "frontend");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof UwsgiContent content) {
            onContent(content);
        } else if (msg instanceof UwsgiRequest request) {
            headReceived(request.contentLength() > 0);
            dispatch(request.vars(), false, false, (done, keepAlive) -> afterResponse(done));
            if (request.contentLength() > 0) {
                // the next reads take the body in pieces of its own size (up to 64 KiB), not in the few KiB
                // that a head needs: a 64 KiB body then comes in one or two reads instead of several
                ctx.channel().config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(
                        (int) Math.max(MIN_BODY_READ, Math.min(request.contentLength(), MAX_BODY_READ))));
                ctx.read();
            }
        } else if (msg instanceof UwsgiPing) {
            ctx.writeAndFlush(UwsgiPackets.pong(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onContent(UwsgiContent content) {
        if (content.isLast()) {
            bodyReceived();
        }
        if (exchange == null) {
            content.release();
            return;
        }
        boolean more = exchange.requestBody().offer(content.content(), content.isLast());
        if (content.isLast() && responseWritten) {
            ctx.close();
        } else if (more) {
            ctx.read();
        }
    }

    /** On the loop: the response is out. Close, but only after the rest of the body, so no RST hides it. */
    private void afterResponse(ChannelExchange done) {
        responseWritten = true;
        if (!done.requestBody().discardRest()) {
            ctx.close();
            return;
        }
        ResponseTail.closeAfterUnreadBody(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String peer = String.valueOf(ctx.channel().remoteAddress());
        if (cause instanceof UwsgiTooLargeException tooLarge) {
            TOO_LARGE.warn("431 on {} from {}: {}", socketName, peer, tooLarge.getMessage());
            ErrorResponses.send(ctx, 431, "Request Header Fields Too Large",
                    "The request headers are larger than this server accepts.\n");
        } else if (cause instanceof UwsgiUnsupportedModifierException modifier) {
            BAD_MODIFIER.warn("closing connection on {} from {}: {}", socketName, peer, modifier.getMessage());
            ctx.close();
        } else if (cause instanceof UwsgiProtocolException protocol) {
            if (exchange == null) {
                MALFORMED.warn("400 on {} from {}: {}", socketName, peer, protocol.getMessage());
                ErrorResponses.send(ctx, 400, "Bad Request", "Malformed uwsgi request.\n");
            } else {
                BROKEN_OFF.warn("request on {} from {} broke off: {}", socketName, peer, protocol.getMessage());
                exchange.requestBody().fail(new IOException(protocol.getMessage()));
                ctx.close();
            }
        } else {
            closeOnFailure(LOG, cause);
        }
    }
}
