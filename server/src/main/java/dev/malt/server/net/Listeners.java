package dev.malt.server.net;

import dev.malt.server.config.ListenAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * How Malt binds a listening socket from a {@link ListenAddress}, the same way for app sockets and
 * stats sockets: epoll channels, an IPv4 address bound IPv4-only (127.0.0.1 would otherwise come up
 * dual-stack), and a stale unix socket file, left by a killed process, removed first.
 */
public final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
    /** sun_path holds 108 bytes, the last one a NUL. */
    static final int MAX_UNIX_PATH = 107;

    private Listeners() {
    }

    /**
     * Sets the bootstrap's channel factory for {@code address} and returns what to bind.
     *
     * @param what names the socket in errors: {@code socket}, {@code http-socket}, {@code stats}
     */
    public static SocketAddress prepare(ServerBootstrap bootstrap, ListenAddress address, String what)
            throws IOException {
        if (address.isUnix()) {
            Path path = address.unixPath();
            removeStaleUnixSocket(path, what);
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            bootstrap.channelFactory(EpollServerDomainSocketChannel::new);
            return new DomainSocketAddress(path.toFile());
        }
        InetSocketAddress inet = address.toInetSocketAddress();
        SocketProtocolFamily family = inet.getAddress() instanceof Inet4Address
                ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        bootstrap.channelFactory(() -> new EpollServerSocketChannel(family));
        bootstrap.option(ChannelOption.SO_REUSEADDR, true);
        return inet;
    }

    /** Who a unix socket file should belong to; -1 keeps the binder's own user or group. */
    public record SocketOwner(int uid, int gid) {
        public static final SocketOwner UNCHANGED = new SocketOwner(-1, -1);
    }

    /**
     * Binds a unix socket so that it appears at {@code path} all at once, with {@code mode} and {@code owner}
     * already set: nobody can connect in between, as they could if it were chmod'ed after the bind. The socket is
     * bound in a fresh 0700 directory beside {@code path}, given its mode and owner there (no link is followed: the
     * directory is this process's alone), then hard-linked into place, which fails rather than replace whatever
     * appeared at {@code path} meanwhile. A stale socket file is removed first, a live one is an error.
     *
     * <p>The kernel keeps the name it was bound under: {@code ss -lx} shows the temporary path, since removed. The
     * channel is made from the bound descriptor, so closing it removes no file: whoever owns the path does that.
     *
     * @param what names the socket in errors: {@code socket}, {@code http-socket}, {@code control socket}
     * @throws IOException when the path cannot be used or the bind fails
     */
    public static Channel bindUnix(ServerBootstrap bootstrap, Path path, String what, int mode, SocketOwner owner,
                                   int backlog) throws IOException, InterruptedException {
        Epoll.ensureAvailability();
        Path absolute = path.toAbsolutePath();
        Path parent = absolute.getParent();
        Path privateDir;
        try {
            Files.createDirectories(parent);
            removeStaleUnixSocket(absolute, what);
            privateDir = privateDirectory(parent, absolute, what);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("cannot bind " + what + " " + absolute + ": permission denied at " + e.getFile()
                    + "; uid " + Files.getAttribute(Path.of("/proc/self"), "unix:uid") + ", which binds it, must be "
                    + "able to create files in " + parent, e);
        }
        Path temp = privateDir.resolve("s");
        Socket socket = Socket.newSocketDomain();
        boolean done = false;
        try {
            try {
                socket.bind(new DomainSocketAddress(temp.toFile()));
                socket.listen(backlog);
            } catch (IOException e) {
                throw new IOException("cannot bind " + what + " " + absolute + ": " + e.getMessage(), e);
            }
            Files.setPosixFilePermissions(temp, permissions(mode));
            if (owner.uid() >= 0) {
                Files.setAttribute(temp, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
            }
            if (owner.gid() >= 0) {
                Files.setAttribute(temp, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
            }
            link(temp, absolute, what);
            bootstrap.channelFactory(() -> new EpollServerDomainSocketChannel(socket.intValue(), true));
            Channel channel = bootstrap.register().sync().channel();
            done = true;
            return channel;
        } finally {
            if (!done) {
                socket.close();
            }
            Files.deleteIfExists(temp);
            Files.deleteIfExists(privateDir);
        }
    }

    /** {@code DIR/.malt-XXXXXX}, mode 0700, made with {@code mkdir}, which never follows a link. */
    private static Path privateDirectory(Path parent, Path target, String what) throws IOException {
        java.util.Random random = new java.security.SecureRandom();
        for (int attempt = 0; ; attempt++) {
            StringBuilder name = new StringBuilder(".malt-");
            for (int i = 0; i < 6; i++) {
                name.append((char) ('a' + random.nextInt(26)));
            }
            Path dir = parent.resolve(name.toString());
            if (dir.resolve("s").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_UNIX_PATH) {
                int over = dir.resolve("s").toString().length() - MAX_UNIX_PATH;
                throw new IOException("cannot bind " + what + " " + target + ": the path is too long to bind safely "
                        + "(it is bound under " + dir.resolve("s") + " first); make it " + over + " bytes shorter");
            }
            try {
                return Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                if (attempt > 100) {
                    throw taken;
                }
            }
        }
    }

    /** Links {@code temp} to {@code target}; never replaces what is there. */
    private static void link(Path temp, Path target, String what) throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IOException("cannot bind " + what + " " + target + ": something else appeared at that path while "
                    + "the socket was being bound; remove it or pick another path", e);
        }
    }

    /** Without {@code chmod-socket}: what the umask allows its owner and group, and nothing for others. */
    public static int defaultUnixMode() {
        return 0777 & ~umask() & ~0007;
    }

    /** This process's umask, from /proc/self/status; 022 when the kernel does not say. */
    static int umask() {
        try (java.io.BufferedReader status = Files.newBufferedReader(Path.of("/proc/self/status"))) {
            String line;
            while ((line = status.readLine()) != null) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).strip(), 8);
                }
            }
        } catch (IOException | RuntimeException e) {
            // an old kernel
        }
        return 0022;
    }

    /** The permission bits of {@code mode} (setuid, setgid and sticky mean nothing on a socket). */
    public static Set<PosixFilePermission> permissions(int mode) {
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

    /** Removes a socket file nobody accepts on; refuses to touch a live socket, a file or a directory. */
    public static void removeStaleUnixSocket(Path path, String what) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot bind " + what + " " + path + ": a file or directory is in the way; "
                    + "remove it or pick another path");
        }
        boolean live;
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            live = true;
        } catch (IOException refused) {
            live = false;
        }
        if (live) {
            throw new IOException("cannot bind " + what + " " + path
                    + ": another server is accepting on it; stop it or pick another path");
        }
        LOG.info("removing stale unix socket {}", path);
        Files.deleteIfExists(path);
    }
}
