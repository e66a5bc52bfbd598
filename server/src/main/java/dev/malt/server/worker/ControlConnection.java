package dev.malt.server.worker;

import dev.malt.server.control.ControlMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The worker's end of its control connection to the master. First it receives the listening
 * descriptors (SCM_RIGHTS); in that read mode Netty drops plain bytes, so only then does it switch
 * to lines. When the connection ends, the master is gone and the worker must stop.
 */
final class ControlConnection {

    static final long DESCRIPTOR_TIMEOUT_SECONDS = 30;

    private final Channel channel;
    private final List<FileDescriptor> descriptors;

    private ControlConnection(Channel channel, List<FileDescriptor> descriptors) {
        this.channel = channel;
        this.descriptors = descriptors;
    }

    /**
     * Connects and waits for {@code expected} descriptors.
     *
     * @param onMessage  called on the event loop for each line from the master
     * @param onMasterGone called once when the connection closes
     */
    static ControlConnection open(EventLoopGroup group, Path socket, int expected, Consumer<ControlMessage> onMessage,
                                  Runnable onMasterGone) throws IOException, InterruptedException {
        CompletableFuture<List<FileDescriptor>> received = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(EpollDomainSocketChannel.class)
                .option(EpollChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .handler(new DescriptorCollector(expected, received, onMessage, onMasterGone));
        Channel channel;
        try {
            channel = bootstrap.connect(new DomainSocketAddress(socket.toFile())).sync().channel();
        } catch (Exception e) {
            throw new IOException("cannot connect to the master at " + socket + ": " + e.getMessage(), e);
        }
        try {
            return new ControlConnection(channel, received.get(DESCRIPTOR_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            channel.close();
            throw new IOException("the master did not send the listening sockets within "
                    + DESCRIPTOR_TIMEOUT_SECONDS + " s", e);
        }
    }

    /** The event loop the connection runs on: the worker's heartbeat runs there too. */
    io.netty.channel.EventLoop eventLoop() {
        return channel.eventLoop();
    }

    List<FileDescriptor> descriptors() {
        return descriptors;
    }

    void send(ControlMessage message) {
        channel.writeAndFlush(message.encode() + "\n");
    }

    void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    private static final class DescriptorCollector extends ChannelInboundHandlerAdapter {
        private final int expected;
        private final CompletableFuture<List<FileDescriptor>> received;
        private final Consumer<ControlMessage> onMessage;
        private final Runnable onMasterGone;
        private final List<FileDescriptor> descriptors = new ArrayList<>();

        DescriptorCollector(int expected, CompletableFuture<List<FileDescriptor>> received,
                            Consumer<ControlMessage> onMessage, Runnable onMasterGone) {
            this.expected = expected;
            this.received = received;
            this.onMessage = onMessage;
            this.onMasterGone = onMasterGone;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FileDescriptor fd)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            descriptors.add(fd);
            if (descriptors.size() == expected) {
                ((EpollDomainSocketChannel) ctx.channel()).config().setReadMode(DomainSocketReadMode.BYTES);
                ctx.pipeline().addLast(new LineBasedFrameDecoder(64 * 1024), new StringDecoder(StandardCharsets.UTF_8),
                        new StringEncoder(StandardCharsets.UTF_8), new LineHandler(onMessage, onMasterGone));
                ctx.pipeline().remove(this);
                received.complete(List.copyOf(descriptors));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            received.completeExceptionally(new IOException("the master closed the control connection"));
            onMasterGone.run();
        }
    }

    private static final class LineHandler extends SimpleChannelInboundHandler<String> {
        private final Consumer<ControlMessage> onMessage;
        private final Runnable onMasterGone;

        LineHandler(Consumer<ControlMessage> onMessage, Runnable onMasterGone) {
            this.onMessage = onMessage;
            this.onMasterGone = onMasterGone;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (!line.isBlank()) {
                onMessage.accept(ControlMessage.parse(line));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onMasterGone.run();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
