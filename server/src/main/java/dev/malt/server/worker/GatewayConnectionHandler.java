package dev.malt.server.worker;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.logging.RateLimitedLog;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;

import java.io.IOException;

/**
 * What the uwsgi and HTTP connection handlers share: starting an exchange on an app thread, reading
 * only when asked, and telling the exchange when the peer is slow or gone. Runs on the event loop.
 */
abstract class GatewayConnectionHandler extends ChannelInboundHandlerAdapter {

    /** A bug, but one a client may be able to trigger over and over: rate-limited too. */
    private static final RateLimitedLog UNEXPECTED = new RateLimitedLog(
            org.slf4j.LoggerFactory.getLogger(GatewayConnectionHandler.class), "unexpected connection errors");

    final AppDispatcher dispatcher;
    final long socketTimeoutMillis;
    /** Who is on the other end, for messages: "frontend" or "client". */
    private final String peer;
    final String socketName;
    ChannelHandlerContext ctx;
    ChannelExchange exchange;

    GatewayConnectionHandler(AppDispatcher dispatcher, String socketName, long socketTimeoutMillis, String peer) {
        this.dispatcher = dispatcher;
        this.socketName = socketName;
        this.socketTimeoutMillis = socketTimeoutMillis;
        this.peer = peer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.read();
    }

    /** Starts the exchange for a request and hands it to the app executor. */
    final void dispatch(UwsgiVars vars, boolean httpSocket, boolean clientKeepAlive, ChannelExchange.Completion done) {
        exchange = new ChannelExchange(ctx.channel(), vars, new RequestBody(RequestBody.DEFAULT_HIGH_WATER, this::readLater),
                httpSocket, clientKeepAlive, socketTimeoutMillis, done);
        dispatcher.dispatch(exchange);
    }

    /** The read clock of {@code socket-timeout}, when the pipeline has one. */
    final StalledReadGuard guard() {
        return ctx.pipeline().get(StalledReadGuard.class);
    }

    /** A request head is in: tell the read clock whether body bytes are still to come. */
    final void headReceived(boolean bodyFollows) {
        StalledReadGuard guard = guard();
        if (guard != null) {
            guard.headReceived(bodyFollows);
        }
    }

    /** The last body byte is in: the read clock stops until the next request. */
    final void bodyReceived() {
        StalledReadGuard guard = guard();
        if (guard != null) {
            guard.bodyReceived();
        }
    }

    /** Called from an app thread when the body reader drained the queue: read more, on the loop. */
    private void readLater() {
        ctx.executor().execute(ctx::read);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            // the usual close comes after the whole body: no exception (and no stack trace) for it
            if (!exchange.requestBody().isComplete()) {
                exchange.requestBody().fail(new IOException("the " + peer + " closed the connection before the body ended"));
            }
            exchange.writabilityChanged();
        }
        ctx.fireChannelInactive();
    }

    /** The last resort for an error: I/O failures are routine (a peer went away), anything else is a bug. */
    final void closeOnFailure(Logger log, Throwable cause) {
        if (cause instanceof IOException io) {
            if (exchange != null) {
                exchange.requestBody().fail(io); // the app reading the body learns why it ended
            }
            log.debug("connection on {} from {} failed: {}", socketName, ctx.channel().remoteAddress(), cause.toString());
        } else {
            UNEXPECTED.error("unexpected error on {} from {}; connection closed", socketName,
                    ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
