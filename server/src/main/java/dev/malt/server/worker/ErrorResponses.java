package dev.malt.server.worker;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

import java.nio.charset.StandardCharsets;

/** The few responses the transport writes itself, when a request never reaches the app. */
final class ErrorResponses {

    private ErrorResponses() {
    }

    /** Writes a small plain-text response, then lets the peer finish sending before the socket closes. */
    static void send(ChannelHandlerContext ctx, int status, String reason, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = ctx.alloc().buffer(128 + body.length);
        out.writeCharSequence("HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n", StandardCharsets.US_ASCII);
        out.writeBytes(body);
        ctx.writeAndFlush(out).addListener(f -> {
            if (f.isSuccess()) {
                ResponseTail.closeAfterUnreadBody(ctx);
            } else {
                ctx.close();
            }
        });
    }
}
