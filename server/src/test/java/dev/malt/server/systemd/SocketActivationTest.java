package dev.malt.server.systemd;

import dev.malt.server.config.ListenAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.UnixChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which passed descriptor is which: the kernel's tables, LISTEN_* parsing, and matching to socket options. */
class SocketActivationTest {

    @Test
    void theKernelTablesTellUnixFromTcpAndGiveTheAddress(@TempDir Path dir) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Path path = dir.resolve("app.sock");
            Channel unix = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter()).bind(new DomainSocketAddress(path.toFile()))
                    .sync().channel();
            Channel tcp = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).sync().channel();
            int port = ((InetSocketAddress) tcp.localAddress()).getPort();
            SocketTable table = SocketTable.system();

            SocketActivation.Inherited u = table.describe(fd(unix), "web");
            assertEquals(SocketActivation.Inherited.Kind.UNIX, u.kind(), u::toString);
            assertEquals(path.toString(), u.unixPath());
            assertEquals("web", u.name());
            SocketActivation.Inherited t = table.describe(fd(tcp), "");
            assertEquals(SocketActivation.Inherited.Kind.TCP, t.kind(), t::toString);
            assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), t.inet());
            assertEquals(SocketActivation.Inherited.Kind.OTHER, table.describe(0, "").kind(), "stdin is no socket");

            SocketActivation passed = new SocketActivation(List.of(u, t));
            assertTrue(passed.adopt(ListenAddress.parse("127.0.0.1:" + (port + 1))).isEmpty());
            assertEquals(Optional.of(t), passed.adopt(ListenAddress.parse("127.0.0.1:" + port)));
            assertTrue(passed.adopt(ListenAddress.parse("127.0.0.1:" + port)).isEmpty(), "taken once");
            passed.release(t.fd());
            assertEquals(Optional.of(t), passed.adopt(ListenAddress.parse("127.0.0.1:" + port)), "given back");
            assertEquals(List.of(u), passed.unadopted());
            assertEquals(Optional.of(u), passed.adopt(ListenAddress.unix(path)));
            assertTrue(passed.isPassed(ListenAddress.unix(path)));
            assertFalse(passed.isPassed(ListenAddress.unix(dir.resolve("other.sock"))));
            unix.close().sync();
            tcp.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void kernelAddressesParse() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 3031),
                SocketTable.parseAddress("0100007F:0BD7"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("::"), 80),
                SocketTable.parseAddress("00000000000000000000000000000000:0050"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 80),
                SocketTable.parseAddress("00000000000000000000000001000000:0050"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80),
                SocketTable.parseAddress("0000000000000000FFFF00000100007F:0050"), "IPv4-mapped is IPv4");
    }

    @Test
    void wildcardPortsMatchAnyAddressSockets() throws Exception {
        SocketActivation.Inherited any4 = tcp(3, "0.0.0.0", 8080);
        SocketActivation.Inherited any6 = tcp(4, "::", 9090);
        SocketActivation.Inherited local = tcp(5, "127.0.0.1", 7070);
        assertTrue(SocketActivation.matches(any4, ListenAddress.parse(":8080")));
        assertTrue(SocketActivation.matches(any6, ListenAddress.parse(":9090")));
        assertFalse(SocketActivation.matches(local, ListenAddress.parse(":7070")), "127.0.0.1 is not every interface");
        assertFalse(SocketActivation.matches(any4, ListenAddress.parse("127.0.0.1:8080")));
        assertTrue(SocketActivation.matches(local, ListenAddress.parse("127.0.0.1:7070")));
    }

    @Test
    void listenFdsCountsFromThreeForThisPidOnly() {
        List<Integer> asked = new ArrayList<>();
        SocketTable table = new SocketTable(Path.of("/nonexistent")) {
            @Override
            SocketActivation.Inherited describe(int fd, String name) {
                asked.add(fd);
                return new SocketActivation.Inherited(fd, name, SocketActivation.Inherited.Kind.OTHER, null, null);
            }
        };
        SocketActivation two = SocketActivation.fromEnvironment(
                Map.of("LISTEN_FDS", "2", "LISTEN_PID", "42", "LISTEN_FDNAMES", "web:admin"), 42, table);
        assertEquals(List.of(3, 4), asked);
        assertEquals(List.of("web", "admin"), two.sockets().stream().map(SocketActivation.Inherited::name).toList());
        assertTrue(SocketActivation.fromEnvironment(Map.of("LISTEN_FDS", "2", "LISTEN_PID", "41"), 42, table)
                .sockets().isEmpty(), "meant for another process");
        assertTrue(SocketActivation.fromEnvironment(Map.of(), 42, table).sockets().isEmpty());
        assertTrue(SocketActivation.fromEnvironment(Map.of("LISTEN_FDS", "x", "LISTEN_PID", "42"), 42, table)
                .sockets().isEmpty());
        SocketActivation unnamed = SocketActivation.fromEnvironment(
                Map.of("LISTEN_FDS", "1", "LISTEN_PID", "42"), 42, table);
        assertEquals("", unnamed.sockets().get(0).name());
    }

    private static SocketActivation.Inherited tcp(int fd, String host, int port) throws Exception {
        return new SocketActivation.Inherited(fd, "", SocketActivation.Inherited.Kind.TCP, null,
                new InetSocketAddress(InetAddress.getByName(host), port));
    }

    private static int fd(Channel channel) {
        return ((UnixChannel) channel).fd().intValue();
    }
}
