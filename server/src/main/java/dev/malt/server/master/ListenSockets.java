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

import dev.malt.server.privileges.AppUser;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /** Removes a unix socket file once its socket is closed. */
    interface Remover {
        void remove(Path socket) throws IOException;
    }

    private final List<Bound> bound = new ArrayList<>();
    private final Remover remover;

    private ListenSockets(Remover remover) {
        this.remover = remover;
    }

    /** The master's own removal: the file at the path, if it is a socket (what closing a bound channel did). */
    private static void removeOwn(Path socket) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return;
        }
        if (attrs.isOther()) {
            Files.deleteIfExists(socket);
        }
    }

    /**
     * Tyrant mode, a user's app: every socket is bound by the user ({@link SocketsAsUser}), and removed by them
     * when it closes. Sockets systemd passed are not adopted: any user could name one and take another app's
     * traffic; the helper finds the path or port in use instead.
     *
     * @param directory the master's private directory, which {@code user} may enter
     */
    static ListenSockets bindAs(AppUser user, EventLoopGroup group, List<ListenSpec> specs, int backlog,
                                Optional<Integer> chmod, Optional<String> chown, Path directory)
            throws IOException, InterruptedException {
        ListenSockets sockets = new ListenSockets(user::removeSocket);
        specs.forEach(ListenSockets::warnIfExposed);
        List<FileDescriptor> fds = SocketsAsUser.bind(group, user, specs, backlog, chmod, chown, directory);
        try {
            for (int i = 0; i < specs.size(); i++) {
                ListenSpec spec = specs.get(i);
                int fd = fds.get(i).intValue();
                ServerBootstrap bootstrap = new ServerBootstrap()
                        .group(group)
                        .option(ChannelOption.AUTO_READ, false)
                        .childHandler(new ChannelInboundHandlerAdapter());
                // Made from a descriptor, the channel deletes no file when closed: the user's remover does.
                bootstrap.channelFactory(() -> spec.address().isUnix() ? new EpollServerDomainSocketChannel(fd, true)
                        : new EpollServerSocketChannel(fd));
                sockets.bound.add(new Bound(spec, bootstrap.register().sync().channel(), false));
                LOG.info("{} bound on {} by {} (backlog {})", what(spec), spec.address(), user.name(), backlog);
            }
        } catch (RuntimeException | InterruptedException e) {
            sockets.close();
            for (int i = sockets.bound.size(); i < fds.size(); i++) {
                fds.get(i).close();
            }
            throw e;
        }
        return sockets;
    }

    /**
     * Binds every socket. A stale unix socket file left by a killed master is removed first; a live one
     * (something accepts on it) is an error, as is a busy TCP port.
     *
     * @param chmod mode for unix sockets ({@code chmod-socket}), if set
     */
    public static ListenSockets bind(EventLoopGroup group, List<ListenSpec> specs, int backlog,
                                     Optional<Integer> chmod, Optional<String> chown) throws IOException {
        ListenSockets sockets = new ListenSockets(ListenSockets::removeOwn);
        try {
            Listeners.SocketOwner owner = chown.isPresent() ? Ownership.resolve(chown.get()) : Listeners.SocketOwner.UNCHANGED;
            for (ListenSpec spec : specs) {
                warnIfExposed(spec);
                Optional<SocketActivation.Inherited> passed = SocketActivation.current().adopt(spec.address());
                if (passed.isPresent()) {
                    sockets.bound.add(adopt(group, spec, passed.get()));
                    continue;
                }
                Channel channel = bindOne(group, spec, backlog, chmod, owner);
                sockets.bound.add(new Bound(spec, channel, false));
                LOG.info("{} bound on {} (backlog {})", what(spec), spec.address(), backlog);
            }
        } catch (IOException | RuntimeException e) {
            sockets.close();
            throw e;
        }
        return sockets;
    }

    /**
     * Binds one socket, a unix one with its final mode and owner from the start ({@link Listeners#bindUnix}).
     *
     * @param chmod {@code chmod-socket}; without it a unix socket is open to its owner and group only
     */
    static Channel bindOne(EventLoopGroup group, ListenSpec spec, int backlog, Optional<Integer> chmod,
                           Listeners.SocketOwner owner) throws IOException {
        ListenAddress address = spec.address();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter());
        try {
            if (address.isUnix()) {
                return Listeners.bindUnix(bootstrap, address.unixPath(), what(spec),
                        chmod.orElse(Listeners.defaultUnixMode()), owner, backlog);
            }
            SocketAddress bindTo = Listeners.prepare(bootstrap, address, what(spec));
            // A worker is woken for a connection once its request has arrived (a frontend writes it right after
            // connecting), not once for the connection and again for its bytes. Only for the app's sockets: a
            // stats client, for one, waits for the server to speak first.
            bootstrap.option(io.netty.channel.epoll.EpollChannelOption.TCP_DEFER_ACCEPT, 1);
            return bootstrap.bind(bindTo).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + address);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot bind " + what(spec) + " " + address + ": " + e.getMessage()
                    + hint(address, e), e);
        }
    }

    private static String what(ListenSpec spec) {
        return spec.kind() == ListenSpec.Kind.HTTP ? "http-socket" : "socket";
    }

    /**
     * uWSGI's model trusts the frontend: whoever reaches a uwsgi socket sets every CGI variable, REMOTE_USER and
     * HTTPS included. A TCP one that other machines can reach deserves a word at start.
     */
    static void warnIfExposed(ListenSpec spec) {
        if (spec.kind() != ListenSpec.Kind.UWSGI || spec.address().isUnix()) {
            return;
        }
        boolean loopback;
        try {
            loopback = !spec.address().isWildcard() && spec.address().toInetSocketAddress().getAddress()
                    .isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return; // the bind says what is wrong
        }
        if (!loopback) {
            LOG.warn("uwsgi socket {} can be reached from other machines, and whoever connects to it is trusted as "
                    + "the frontend: they can set REMOTE_USER, HTTPS and every other request variable. Bind it to "
                    + "127.0.0.1 or a unix socket, or let a firewall admit only the frontend", spec.address());
        }
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

    /** Unix socket files Malt bound (never systemd's). */
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
        for (Path path : unixPaths()) {
            try {
                remover.remove(path);
            } catch (IOException e) {
                LOG.warn("cannot remove the socket file {}: {}", path, e.getMessage());
            }
        }
    }
}
