package dev.malt.server.net;

import dev.malt.server.config.ListenAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.DomainSocketAddress;
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

/**
 * How Malt binds a listening socket from a {@link ListenAddress}, the same way for app sockets and
 * stats sockets: epoll channels, an IPv4 address bound IPv4-only (127.0.0.1 would otherwise come up
 * dual-stack), and a stale unix socket file, left by a killed process, removed first.
 */
public final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

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
