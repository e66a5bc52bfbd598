package dev.malt.server.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * The unix socket {@code malt reload|stop|status} talk to: one request line ({@code COMMAND [APP]}),
 * one answer, close. The socket is mode 0600: only its owner (and root) may control the process.
 */
public final class ControlSocketServer implements AutoCloseable {

    private final Channel channel;
    private final Path path;

    private ControlSocketServer(Channel channel, Path path) {
        this.channel = channel;
        this.path = path;
    }

    public static ControlSocketServer start(EventLoopGroup group, Path path, ControlCommands commands)
            throws IOException, InterruptedException {
        Files.deleteIfExists(path);
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(10, TimeUnit.SECONDS),
                                new LineBasedFrameDecoder(4096), new StringDecoder(StandardCharsets.UTF_8),
                                new StringEncoder(StandardCharsets.UTF_8), new CommandHandler(commands));
                    }
                })
                .bind(new DomainSocketAddress(path.toFile())).sync().channel();
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        return new ControlSocketServer(channel, path);
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the registry skips entries of dead processes anyway
        }
    }

    private static final class CommandHandler extends SimpleChannelInboundHandler<String> {
        private final ControlCommands commands;

        CommandHandler(ControlCommands commands) {
            this.commands = commands;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            String[] parts = line.trim().split("\\s+", 2);
            String app = parts.length > 1 ? parts[1].trim() : "";
            try {
                commands.execute(parts[0], app).whenComplete((answer, error) -> {
                    String text = error == null ? answer : "error: " + rootMessage(error);
                    ctx.writeAndFlush(text.endsWith("\n") ? text : text + "\n").addListener(ChannelFutureListener.CLOSE);
                });
            } catch (RuntimeException e) {
                ctx.writeAndFlush("error: " + e.getMessage() + "\n").addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static String rootMessage(Throwable error) {
            Throwable t = error;
            while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException)) {
                t = t.getCause();
            }
            return t.getMessage();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
