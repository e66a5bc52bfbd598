package dev.malt.server.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sd_notify datagrams reach a real unix datagram socket, bound on a path or in the abstract namespace. */
class ServiceNotifierTest {

    private EventLoopGroup group;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private Channel listen(String address) throws InterruptedException {
        return new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        received.add(packet.content().toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(address)).sync().channel();
    }

    private String next() throws InterruptedException {
        String message = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(message, "systemd's socket got no datagram");
        return message;
    }

    @Test
    void readyReloadingAndStoppingReachASocketFile(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("notify");
        Channel channel = listen(socket.toString());
        try {
            ServiceNotifier notifier = ServiceNotifier.forSocket(Optional.of(socket.toString()));
            assertTrue(notifier.enabled());
            notifier.ready("2 apps running: a, b");
            assertEquals("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\nSTATUS=2 apps running: a, b\n", next());
            notifier.reloading("reloading 2 app(s)");
            String reloading = next();
            assertTrue(reloading.startsWith("RELOADING=1\nMONOTONIC_USEC="), reloading);
            String usec = reloading.lines().filter(l -> l.startsWith("MONOTONIC_USEC=")).findFirst().orElseThrow();
            assertTrue(Long.parseLong(usec.substring("MONOTONIC_USEC=".length())) > 0, reloading);
            assertTrue(reloading.endsWith("STATUS=reloading 2 app(s)\n"), reloading);
            notifier.stopping("stopping");
            assertEquals("STOPPING=1\nSTATUS=stopping\n", next());
        } finally {
            channel.close().sync();
        }
    }

    @Test
    void anAbstractAddressIsReached() throws Exception {
        String name = "malt-notify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Channel channel = listen("\0" + name);
        try {
            ServiceNotifier.forSocket(Optional.of("@" + name)).status("hello");
            assertEquals("STATUS=hello\n", next());
        } finally {
            channel.close().sync();
        }
    }

    @Test
    void withoutNotifySocketNothingIsSentAndNothingFails() {
        ServiceNotifier none = ServiceNotifier.forSocket(Optional.empty());
        assertFalse(none.enabled());
        none.ready("up");
        assertFalse(ServiceNotifier.forSocket(Optional.of("relative/path")).enabled());
    }

    @Test
    void aMissingSocketIsLoggedNotThrown(@TempDir Path dir) {
        ServiceNotifier.forSocket(Optional.of(dir.resolve("nobody-listens").toString())).ready("up");
    }

    @Test
    void statusIsOneLineOfBoundedLength() {
        String text = ServiceNotifier.encode(Map.of("STATUS", "a\nb" + "x".repeat(1000)));
        assertTrue(text.startsWith("STATUS=a b"), text);
        assertEquals(1, text.lines().count());
        assertEquals("STATUS=".length() + ServiceNotifier.MAX_STATUS_CHARS + 1, text.length());
    }
}
