package dev.malt.server.metrics;

import dev.malt.server.config.ListenAddress;
import dev.malt.server.net.Listeners;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * uWSGI's stats server ({@code stats = ADDR}): every connection gets one JSON document in uWSGI 2.0's format
 * (see {@link StatsJson}), then the server closes it. Nothing the client sends is read as a request.
 *
 * <p>Unlike uWSGI, the server half-closes after the document and discards what the client sent until the client
 * closes (or {@value #LINGER_MILLIS} ms pass). Closing with unread input would make the kernel send a reset, and a
 * client that sent anything first (curl, a health checker) could lose the document.
 */
public final class StatsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatsServer.class);

    /** How long a connection waits for a snapshot before it is closed with no answer. */
    private static final long SOURCE_TIMEOUT_SECONDS = 5;

    /** How long, after the document, to wait for the client's own close before closing anyway. */
    private static final long LINGER_MILLIS = 2_000;

    private final Channel channel;
    private final ListenAddress address;

    private StatsServer(Channel channel, ListenAddress address) {
        this.channel = channel;
        this.address = address;
    }

    /**
     * Listens on {@code address} (TCP, or a unix socket whose stale file is removed first) and answers each
     * connection with one document rendered from a fresh {@code source.get()}.
     *
     * @param group  an epoll event loop group; the server's channels run on it
     * @param source asked once per connection; it may complete on any thread
     * @throws IOException when the address cannot be bound (port in use, live unix socket, no permission)
     */
    public static StatsServer start(EventLoopGroup group, ListenAddress address,
                                    Supplier<CompletableFuture<StatsSnapshot>> source) throws IOException {
        StatsJson json = new StatsJson();
        return serve(group, address, () -> source.get().thenApply(json::render));
    }

    /**
     * Like {@link #start}, for a document rendered elsewhere: the emperor's, with its {@code vassals[]}.
     *
     * @param documents asked once per connection for the bytes to send
     */
    public static StatsServer serve(EventLoopGroup group, ListenAddress address,
                                    Supplier<CompletableFuture<byte[]>> documents) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                // A client that shuts down its side first (nc -N, a script) still gets its document.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new OneDocument(documents));
                    }
                });
        SocketAddress bindTo = Listeners.prepare(bootstrap, address, "stats");
        Channel channel;
        try {
            channel = bootstrap.bind(bindTo).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding stats " + address, e);
        } catch (Exception e) {
            throw new IOException("cannot bind stats " + address + ": " + e.getMessage(), e);
        }
        LOG.info("stats server on {}", address);
        return new StatsServer(channel, address);
    }

    /** The bound address: the real port when started on port 0, or the unix socket. */
    public SocketAddress localAddress() {
        return channel.localAddress();
    }

    /** Stops listening; a unix socket file is removed. Connections being answered finish. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        LOG.debug("stats server on {} closed", address);
    }

    /** Removes a socket file nobody accepts on; a live socket, a file or a directory is an error. */

    /** Answers one connection: asks for a snapshot, writes the document, closes. */
    private static final class OneDocument extends ChannelInboundHandlerAdapter {

        private final Supplier<CompletableFuture<byte[]>> documents;
        private boolean answered;    // event loop only
        private boolean inputClosed; // event loop only

        OneDocument(Supplier<CompletableFuture<byte[]>> documents) {
            this.documents = documents;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            CompletableFuture<byte[]> document;
            try {
                // copy(): the timeout must never complete a future the source may share between readers
                document = documents.get().copy();
            } catch (RuntimeException e) {
                document = CompletableFuture.failedFuture(e);
            }
            document.orTimeout(SOURCE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .whenComplete((d, error) -> ctx.executor().execute(() -> answer(ctx, d, error)));
            ctx.fireChannelActive();
        }

        private void answer(ChannelHandlerContext ctx, byte[] document, Throwable error) {
            if (error != null) {
                LOG.warn("stats: no document for {}: {}", ctx.channel().remoteAddress(), error.toString());
                ctx.close();
                return;
            }
            if (!ctx.channel().isActive()) {
                return; // the client left
            }
            ctx.writeAndFlush(Unpooled.wrappedBuffer(document)).addListener(written -> {
                answered = true;
                if (!written.isSuccess() || inputClosed || !(ctx.channel() instanceof DuplexChannel duplex)) {
                    ctx.close();
                    return;
                }
                duplex.shutdownOutput().addListener(shut -> {
                    if (!shut.isSuccess()) {
                        ctx.close();
                    }
                });
                ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                inputClosed = true;
                if (answered) {
                    ctx.close();
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // uWSGI ignores what a stats client sends; so do we
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("stats connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
