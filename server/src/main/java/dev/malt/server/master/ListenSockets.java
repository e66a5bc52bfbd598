package dev.malt.server.master;

import dev.malt.server.config.ListenAddress;
import dev.malt.server.config.ListenSpec;
import dev.malt.server.net.Listeners;
import dev.malt.server.systemd.SocketActivation;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.unix.FileDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The app's listening sockets, bound by the master for its whole life. The master never accepts on
 * them (auto-read is off); workers receive the descriptors and accept. Closing a worker's copy never
 * closes these, so the backlog survives every reload and crash.
 */
public final class ListenSockets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ListenSockets.class);

    /** One bound socket; {@code passed} when systemd handed it over (socket activation) and Malt did not bind it. */
    public record Bound(ListenSpec spec, Channel channel, boolean passed) {
        public FileDescriptor descriptor() {
            return ((UnixChannel) channel).fd();
        }

        public String name() {
            return spec.address().toString();
        }
    }

    private final List<Bound> bound = new ArrayList<>();

    private ListenSockets() {
    }

    /**
     * Binds every socket. A stale unix socket file left by a killed master is removed first; a live one
     * (something accepts on it) is an error, as is a busy TCP port.
     *
     * @param chmod mode for unix sockets ({@code chmod-socket}), if set
     */
    public static ListenSockets bind(EventLoopGroup group, List<ListenSpec> specs, int backlog,
                                     Optional<Integer> chmod, Optional<String> chown) throws IOException {
        ListenSockets sockets = new ListenSockets();
        try {
            for (ListenSpec spec : specs) {
                Optional<SocketActivation.Inherited> passed = SocketActivation.current().adopt(spec.address());
                if (passed.isPresent()) {
                    sockets.bound.add(adopt(group, spec, passed.get()));
                    continue;
                }
                Bound bound = bindOne(group, spec, backlog, chmod);
                sockets.bound.add(bound);
                if (spec.address().isUnix() && chown.isPresent()) {
                    Ownership.apply(spec.address().unixPath(), chown.get());
                }
            }
        } catch (IOException | RuntimeException e) {
            sockets.close();
            throw e;
        }
        return sockets;
    }

    private static Bound bindOne(EventLoopGroup group, ListenSpec spec, int backlog, Optional<Integer> chmod)
            throws IOException {
        ListenAddress address = spec.address();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter());
        java.net.SocketAddress bindTo = Listeners.prepare(bootstrap, address,
                spec.kind() == ListenSpec.Kind.HTTP ? "http-socket" : "socket");
        Channel channel;
        try {
            channel = bootstrap.bind(bindTo).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + address);
        } catch (Exception e) {
            throw new IOException("cannot bind " + (spec.kind() == ListenSpec.Kind.HTTP ? "http-socket " : "socket ")
                    + address + ": " + e.getMessage() + hint(address, e), e);
        }
        if (address.isUnix() && chmod.isPresent()) {
            Files.setPosixFilePermissions(address.unixPath(), permissions(chmod.get()));
        }
        LOG.info("{} bound on {} (backlog {})", spec.kind() == ListenSpec.Kind.HTTP ? "http-socket" : "uwsgi socket",
                address, backlog);
        return new Bound(spec, channel, false);
    }

    /**
     * Wraps a socket systemd passed (already bound and listening) instead of binding one. Its backlog, owner
     * and mode are the socket unit's ({@code Backlog=}, {@code SocketUser=}, {@code SocketMode=}).
     */
    private static Bound adopt(EventLoopGroup group, ListenSpec spec, SocketActivation.Inherited passed)
            throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .option(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter());
        if (spec.address().isUnix()) {
            // The one-argument constructor would mark the channel inactive, and it would never be handed out.
            bootstrap.channelFactory(() -> new EpollServerDomainSocketChannel(passed.fd(), true));
        } else {
            bootstrap.channelFactory(() -> new EpollServerSocketChannel(passed.fd()));
        }
        Channel channel;
        try {
            channel = bootstrap.register().sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            SocketActivation.current().release(passed.fd());
            throw new IOException("interrupted while adopting " + passed);
        } catch (Exception e) {
            SocketActivation.current().release(passed.fd());
            throw new IOException("cannot use the socket systemd passed for " + spec.address() + " (" + passed + "): "
                    + e.getMessage(), e);
        }
        LOG.info("{} on {}: socket passed by systemd ({})", spec.kind() == ListenSpec.Kind.HTTP ? "http-socket"
                : "uwsgi socket", spec.address(), passed);
        return new Bound(spec, channel, true);
    }

    private static String hint(ListenAddress address, Exception e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("in use")) {
            return address.isUnix() ? " (another server is accepting on it; stop it or pick another path)"
                    : " (another process listens on that port; stop it or pick another port)";
        }
        if (message.contains("ermission")) {
            return " (ports below 1024 need root; a unix socket needs a writable directory)";
        }
        return "";
    }


    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    public List<Bound> bound() {
        return List.copyOf(bound);
    }

    public List<FileDescriptor> descriptors() {
        List<FileDescriptor> fds = new ArrayList<>();
        for (Bound b : bound) {
            fds.add(b.descriptor());
        }
        return fds;
    }

    /** Unix socket files Malt bound (never systemd's), for {@code vacuum}. */
    public List<Path> unixPaths() {
        List<Path> paths = new ArrayList<>();
        for (Bound b : bound) {
            if (b.spec().address().isUnix() && !b.passed()) {
                paths.add(b.spec().address().unixPath());
            }
        }
        return paths;
    }

    /**
     * Closes the sockets Malt bound. A socket systemd passed is only taken off the event loop: its descriptor
     * stays open, for this app's next start (after a restart) to adopt again.
     */
    @Override
    public void close() {
        for (Bound b : bound) {
            if (b.passed()) {
                b.channel().deregister().awaitUninterruptibly();
                SocketActivation.current().release(b.descriptor().intValue());
            } else {
                b.channel().close().awaitUninterruptibly();
            }
        }
    }
}
