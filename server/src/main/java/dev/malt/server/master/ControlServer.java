package dev.malt.server.master;

import dev.malt.server.control.ControlMessage;
import dev.malt.server.metrics.AppMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The unix socket workers connect back to. The kernel tells who connected (SO_PEERCRED), so a worker
 * needs no token: the pid is matched against the processes this master started.
 */
final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    static final int MAX_LINE = ControlMessage.MAX_LINE_BYTES;

    private final Channel serverChannel;

    private ControlServer(Channel serverChannel) {
        this.serverChannel = serverChannel;
    }

    /**
     * @param metrics keeps each worker's latest {@link ControlMessage#METRICS} report; they go there directly, not
     *                through the arbiter, whose loop supervises and has no use for them
     */
    static ControlServer start(EventLoopGroup group, Path socket, List<FileDescriptor> listeners, Arbiter arbiter,
                               AppMetrics metrics) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) throws IOException {
                        long pid = ch.peerCredentials().pid();
                        ch.pipeline().addLast(
                                new LineBasedFrameDecoder(MAX_LINE),
                                new StringDecoder(StandardCharsets.UTF_8),
                                new StringEncoder(StandardCharsets.UTF_8),
                                new WorkerLineHandler(pid, arbiter, metrics));
                        arbiter.post(new MasterEvent.WorkerConnected(pid, new NettyControlLink(ch, listeners)));
                    }
                });
        Channel channel = bootstrap.bind(new DomainSocketAddress(socket.toFile())).sync().channel();
        return new ControlServer(channel);
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
    }

    private static final class WorkerLineHandler extends SimpleChannelInboundHandler<String> {
        private final long pid;
        private final Arbiter arbiter;
        private final AppMetrics metrics;

        WorkerLineHandler(long pid, Arbiter arbiter, AppMetrics metrics) {
            this.pid = pid;
            this.arbiter = arbiter;
            this.metrics = metrics;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (line.isBlank()) {
                return;
            }
            ControlMessage message = ControlMessage.parse(line);
            if (ControlMessage.METRICS.equals(message.verb())) {
                metrics.report(pid, message.text());
            } else {
                arbiter.post(new MasterEvent.WorkerSaid(pid, message));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            metrics.forget(pid);
            arbiter.post(new MasterEvent.ControlClosed(pid));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("control connection of pid {} failed: {}", pid, cause.toString());
            ctx.close();
        }
    }

    /** Sends descriptors as SCM_RIGHTS (one per write), then text lines. */
    private static final class NettyControlLink implements ControlLink {
        private final Channel channel;
        private final List<FileDescriptor> listeners;

        NettyControlLink(Channel channel, List<FileDescriptor> listeners) {
            this.channel = channel;
            this.listeners = listeners;
        }

        @Override
        public void sendListeners() {
            for (FileDescriptor fd : listeners) {
                channel.write(fd);
            }
            channel.flush();
        }

        @Override
        public void send(ControlMessage message) {
            channel.writeAndFlush(message.encode() + "\n");
        }

        @Override
        public void close() {
            channel.close();
        }
    }
}
