package dev.malt.server.worker;

import dev.malt.server.metrics.WorkerMeters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;

/**
 * First in every connection's pipeline: counts the bytes read from and written to the socket (heads, bodies,
 * files sent with sendfile, upgraded connections) into the worker's meters. One counter update per read or write.
 */
@ChannelHandler.Sharable
final class TrafficCounter extends ChannelDuplexHandler {

    private final WorkerMeters meters;

    TrafficCounter(WorkerMeters meters) {
        this.meters = meters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long bytes = size(msg);
        if (bytes > 0) {
            meters.received(bytes);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        long bytes = size(msg);
        if (bytes > 0) {
            meters.sent(bytes);
        }
        ctx.write(msg, promise);
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        } else if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        } else if (msg instanceof FileRegion region) {
            return region.count() - region.transferred();
        }
        return 0;
    }
}
