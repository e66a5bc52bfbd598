package dev.malt.server.master;

import dev.malt.server.config.ListenAddress;
import dev.malt.server.config.ListenSpec;
import dev.malt.server.logging.Logging;
import dev.malt.server.net.Listeners;
import dev.malt.server.privileges.AppUser;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tyrant mode: the sockets of a user's app are bound by that user, so that root never creates, chmods, chowns or
 * removes a file at a path the user chose. A short-lived JVM runs as the user (setpriv), binds every socket the way
 * the master would ({@link ListenSockets#bindOne}: a unix socket appears with its final mode), and passes the bound
 * descriptors back over a unix socket (SCM_RIGHTS) in the master's own directory. The master checks that the
 * connection comes from that process (SO_PEERCRED) and keeps the descriptors for the app's whole life, as if it had
 * bound them itself. A privileged port fails as it would for the user.
 */
final class SocketsAsUser {

    private static final Logger LOG = LoggerFactory.getLogger(SocketsAsUser.class);
    /** A JVM starts in well under a second; a loaded 2-core machine can take many. */
    static final long TIMEOUT_SECONDS = 60;
    private static final int MAX_HELPER_OUTPUT = 16 * 1024;

    private SocketsAsUser() {
    }

    /**
     * Binds {@code specs} as {@code user} and returns the master's copies of the sockets, in order.
     *
     * @param directory the master's private directory, which {@code user} can enter: the helper connects there
     */
    static List<FileDescriptor> bind(EventLoopGroup group, AppUser user, List<ListenSpec> specs, int backlog,
                                     Optional<Integer> chmod, Optional<String> chown, Path directory)
            throws IOException, InterruptedException {
        if (specs.isEmpty()) {
            return List.of();
        }
        AtomicLong helperPid = new AtomicLong(-1);
        CompletableFuture<List<FileDescriptor>> received = new CompletableFuture<>();
        ServerBootstrap server = new ServerBootstrap()
                .group(group)
                .childOption(EpollChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) throws IOException {
                        if (ch.peerCredentials().pid() != helperPid.get()) {
                            ch.close(); // only the helper this master started may hand over sockets
                            return;
                        }
                        ch.pipeline().addLast(new Collector(specs.size(), received));
                    }
                });
        Path rendezvous = directory.resolve("bind.sock");
        Channel listener = Listeners.bindUnix(server, rendezvous, "socket helper", 0600,
                new Listeners.SocketOwner(user.uid(), -1), 4);
        Process helper = null;
        try {
            helper = user.start(command(rendezvous, specs, backlog, chmod, chown));
            helperPid.set(helper.pid());
            helper.getOutputStream().close();
            StringBuilder output = new StringBuilder();
            Thread reader = drain(helper, output);
            CompletableFuture<Process> exited = helper.onExit();
            try {
                CompletableFuture.anyOf(received, exited).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IOException("the helper binding the sockets as " + user.name() + " did not finish within "
                        + TIMEOUT_SECONDS + " s");
            } catch (ExecutionException ignored) {
                // said below
            }
            if (!received.isDone() || received.isCompletedExceptionally()) {
                helper.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                reader.join(TimeUnit.SECONDS.toMillis(5));
                throw new IOException(lastLine(output, "the helper binding the sockets as " + user.name()
                        + " exited with " + (helper.isAlive() ? "nothing" : "code " + helper.exitValue())));
            }
            helper.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(5));
            synchronized (output) {
                output.toString().lines().filter(l -> !l.isBlank()).forEach(l -> LOG.info("as {}: {}", user.name(), l));
            }
            return received.join();
        } finally {
            if (helper != null && helper.isAlive()) {
                helper.destroyForcibly();
            }
            listener.close().awaitUninterruptibly();
            java.nio.file.Files.deleteIfExists(rendezvous);
        }
    }

    private static List<String> command(Path rendezvous, List<ListenSpec> specs, int backlog, Optional<Integer> chmod,
                                        Optional<String> chown) {
        List<String> command = new ArrayList<>(List.of(JavaRuntime.current().resolve("bin/java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m",
                "-cp", JavaRuntime.workerClasspath(), SocketsAsUser.class.getName(),
                rendezvous.toString(), Integer.toString(backlog), chmod.map(Integer::toOctalString).orElse("-"),
                chown.orElse("-")));
        for (ListenSpec spec : specs) {
            ListenAddress address = spec.address();
            command.add(spec.kind().name() + "=" + (address.isUnix() ? "unix:" + address.unixPath() : address));
        }
        return command;
    }

    private static Thread drain(Process helper, StringBuilder output) {
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try (var in = helper.getErrorStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (output) {
                        if (output.length() < MAX_HELPER_OUTPUT) {
                            output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                        }
                    }
                }
            } catch (IOException ignored) {
                // the helper is gone
            }
        }, "socket-helper-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private static String lastLine(StringBuilder output, String otherwise) {
        synchronized (output) {
            List<String> lines = output.toString().lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? otherwise : lines.get(lines.size() - 1).strip();
        }
    }

    /** Takes the descriptors, in order, then closes: the helper exits once its last one is sent. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final int expected;
        private final CompletableFuture<List<FileDescriptor>> received;
        private final List<FileDescriptor> descriptors = new ArrayList<>();

        Collector(int expected, CompletableFuture<List<FileDescriptor>> received) {
            this.expected = expected;
            this.received = received;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FileDescriptor fd) {
                descriptors.add(fd);
                if (descriptors.size() == expected) {
                    received.complete(List.copyOf(descriptors));
                    ctx.close();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!received.isDone()) {
                for (FileDescriptor fd : descriptors) {
                    try {
                        fd.close();
                    } catch (IOException ignored) {
                        // nothing more to do
                    }
                }
                received.completeExceptionally(new IOException("the helper sent " + descriptors.size() + " of "
                        + expected + " sockets"));
            }
        }
    }

    // ---- the helper, running as the app's user -------------------------------------------------------------------

    /** {@code RENDEZVOUS BACKLOG MODE|- CHOWN|- KIND=ADDRESS...}; the last line on stderr says what failed. */
    public static void main(String[] args) {
        Logging.configure("socket helper", new FileOutputStream(java.io.FileDescriptor.err));
        Path rendezvous = Path.of(args[0]);
        int backlog = Integer.parseInt(args[1]);
        Optional<Integer> chmod = args[2].equals("-") ? Optional.empty() : Optional.of(Integer.parseInt(args[2], 8));
        List<ListenSpec> specs = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            specs.add(new ListenSpec(ListenSpec.Kind.valueOf(args[i].substring(0, eq)),
                    ListenAddress.parse(args[i].substring(eq + 1))));
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        List<Channel> bound = new ArrayList<>();
        int code = 1;
        try {
            Listeners.SocketOwner owner = args[3].equals("-") ? Listeners.SocketOwner.UNCHANGED
                    : Ownership.resolve(args[3]);
            for (ListenSpec spec : specs) {
                bound.add(ListenSockets.bindOne(group, spec, backlog, chmod, owner));
            }
            Channel link;
            try {
                link = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(new DomainSocketAddress(rendezvous.toFile())).sync().channel();
            } catch (Exception e) {
                throw new IOException("cannot reach the master at " + rendezvous + " to hand over the sockets: " + e, e);
            }
            for (Channel channel : bound) {
                link.write(((UnixChannel) channel).fd());
            }
            link.flush();
            // The master closes once it has every descriptor.
            link.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            code = 0;
        } catch (Exception e) {
            System.err.println(e.getMessage() == null ? e.toString() : e.getMessage());
            for (int i = 0; i < bound.size(); i++) {
                ListenAddress address = specs.get(i).address();
                if (address.isUnix()) {
                    try {
                        java.nio.file.Files.deleteIfExists(address.unixPath());
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            }
        }
        System.exit(code);
    }
}
