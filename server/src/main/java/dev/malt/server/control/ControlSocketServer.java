package dev.malt.server.control;

import dev.malt.server.net.Listeners;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(10, TimeUnit.SECONDS),
                                new LineBasedFrameDecoder(4096), new StringDecoder(StandardCharsets.UTF_8),
                                new StringEncoder(StandardCharsets.UTF_8), new CommandHandler(commands));
                    }
                });
        Channel channel;
        try {
            // 0600 from the first moment: nobody else may ever send a command.
            channel = Listeners.bindUnix(bootstrap, path, "control socket", 0600, Listeners.SocketOwner.UNCHANGED, 128);
        } catch (IOException e) {
            throw new IOException("cannot bind the control socket " + path + ": " + e.getMessage(), e);
        }
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
