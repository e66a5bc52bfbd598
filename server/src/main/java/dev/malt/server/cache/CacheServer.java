package dev.malt.server.cache;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The master's cache socket: decodes {@link CacheProtocol} frames from workers and hands them to the current
 * {@link CacheService}, all on one event loop thread. Answers that would pile up for a worker that does not read
 * (more than {@value #HIGH_WATER} bytes) turn hits into passes instead of growing the master's memory.
 */
final class CacheServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheServer.class);

    /** Outbound bytes per worker connection above which hits are answered with PASS. */
    static final int HIGH_WATER = 8 << 20;
    static final int LOW_WATER = 2 << 20;

    private final Channel serverChannel;

    private CacheServer(Channel serverChannel) {
        this.serverChannel = serverChannel;
    }

    static CacheServer start(EventLoop loop, Path socket, Supplier<CacheService> service,
                             java.util.function.IntSupplier maxFrame)
            throws InterruptedException, java.io.IOException {
        Files.deleteIfExists(socket);
        Channel channel = new ServerBootstrap()
                .group(loop)
                .channel(EpollServerDomainSocketChannel.class)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER))
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        // read per connection: workers started after a reload get that config's item size
                        CacheProtocol.addFraming(ch.pipeline(), maxFrame.getAsInt());
                        ch.pipeline().addLast(new WorkerConnection(service));
                    }
                })
                .bind(new DomainSocketAddress(socket.toFile())).sync().channel();
        return new CacheServer(channel);
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(2_000);
    }

    /** One worker: its frames in, its answers out. */
    private static final class WorkerConnection extends ChannelInboundHandlerAdapter implements CacheService.Peer {
        private final Supplier<CacheService> service;
        private Channel channel;
        /** The service this worker's leads belong to: after a swap (reload), the old one is gone with them. */
        private CacheService current;

        WorkerConnection(Supplier<CacheService> service) {
            this.service = service;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                CacheService cache = service.get();
                current = cache;
                byte type = frame.readByte();
                int id = frame.readInt();
                switch (type) {
                    case CacheProtocol.LOOKUP -> {
                        String resource = Wire.readString(frame);
                        int count = Wire.readCount(frame, 8);
                        Map<String, String> headers = new HashMap<>(count * 2);
                        for (int i = 0; i < count; i++) {
                            headers.put(Wire.readString(frame), Wire.readString(frame));
                        }
                        cache.lookup(new CacheService.Lookup(this, id, resource, headers));
                    }
                    case CacheProtocol.STORE -> {
                        long ttl = frame.readLong();
                        int count = Wire.readCount(frame, 4);
                        List<String> vary = new ArrayList<>(count);
                        for (int i = 0; i < count; i++) {
                            vary.add(Wire.readString(frame));
                        }
                        checkResponse(frame.duplicate());
                        cache.store(this, id, ttl, vary, frame);
                    }
                    case CacheProtocol.ABANDON -> cache.abandon(this, id, frame.readByte());
                    default -> throw new CorruptedFrameException("unknown cache frame type " + type);
                }
            } catch (RuntimeException e) {
                LOG.warn("closing a worker's cache connection after a bad frame: {}", e.toString());
                ctx.close();
            } finally {
                ReferenceCountUtil.release(frame);
            }
        }

        /** A STORE's response part must read back whole before it may be kept and served. */
        private static void checkResponse(ByteBuf in) {
            in.readInt();
            Wire.readString(in);
            int headers = Wire.readCount(in, 8);
            for (int i = 0; i < headers * 2; i++) {
                Wire.readString(in);
            }
            int body = Wire.readCount(in, 1);
            if (body != in.readableBytes()) {
                throw new CorruptedFrameException("a STORE whose body is " + body + " bytes but " + in.readableBytes()
                        + " follow");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            CacheService cache = current != null ? current : service.get();
            cache.disconnected(this);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("a worker's cache connection failed: {}", cause.toString());
            ctx.close();
        }

        @Override
        public void hit(int id, byte[] value) {
            if (!channel.isWritable()) {
                pass(id);
                return;
            }
            CompositeByteBuf frame = channel.alloc().compositeBuffer(2);
            frame.addComponents(true, head(CacheProtocol.HIT, id), Unpooled.wrappedBuffer(value));
            channel.writeAndFlush(frame, channel.voidPromise());
        }

        @Override
        public void lead(int id) {
            channel.writeAndFlush(head(CacheProtocol.LEAD, id), channel.voidPromise());
        }

        @Override
        public void pass(int id) {
            channel.writeAndFlush(head(CacheProtocol.PASS, id), channel.voidPromise());
        }

        private ByteBuf head(byte type, int id) {
            return channel.alloc().buffer(5).writeByte(type).writeInt(id);
        }
    }
}
