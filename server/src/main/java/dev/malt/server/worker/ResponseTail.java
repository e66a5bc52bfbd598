package dev.malt.server.worker;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;

import java.util.concurrent.TimeUnit;

/**
 * Ends a connection whose response is complete while request bytes are still on their way.
 *
 * <p>Closing a socket with unread input makes the kernel send RST, and a frontend that sees RST can
 * drop the response it already received. So the output side is shut (the frontend sees the response
 * end), the rest of the input is read and thrown away, and the socket closes when the peer closes or
 * after {@link #LINGER_SECONDS}.
 */
final class ResponseTail {

    static final long LINGER_SECONDS = 30;

    private ResponseTail() {
    }

    static void closeAfterUnreadBody(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        }
        var linger = ctx.executor().schedule(() -> ctx.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        ctx.channel().closeFuture().addListener(f -> linger.cancel(false));
        ctx.read();
    }
}
