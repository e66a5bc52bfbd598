package dev.malt.server.metrics;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.malt.server.config.ListenAddress;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class StatsServerTest {

    /** Fails on anything after the first document, so "one document per connection" is checked. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static EventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A source whose worker 1 has served {@code requests} requests. */
    private static Supplier<CompletableFuture<StatsSnapshot>> source(AtomicLong requests) {
        return () -> CompletableFuture.supplyAsync(() -> Snapshots.twoWorkers(requests.get(), 4));
    }

    static byte[] readTcp(InetSocketAddress address, String send) throws IOException {
        return readTcp(address, send, false);
    }

    static byte[] readTcp(InetSocketAddress address, String send, boolean shutdownOutput) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(10_000);
            if (send != null) {
                socket.getOutputStream().write(send.getBytes(StandardCharsets.US_ASCII));
            }
            if (shutdownOutput) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            return in.readAllBytes(); // returns only at EOF: the server closed the connection
        }
    }

    static byte[] readUnix(Path path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(path));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return out.toByteArray();
        }
    }

    @Test
    void tcpAnswersEachConnectionWithOneDocumentAndCloses() throws Exception {
        AtomicLong requests = new AtomicLong(10);
        try (StatsServer server = StatsServer.start(group, ListenAddress.parse("127.0.0.1:0"), source(requests))) {
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            assertTrue(address.getPort() > 0);

            JsonNode first = STRICT.readTree(readTcp(address, null));
            assertEquals(Snapshots.MASTER_PID, first.get("pid").asLong());
            assertEquals(10, first.at("/workers/0/delta_requests").asLong());

            // Every connection gets a fresh document.
            requests.set(25);
            JsonNode third = STRICT.readTree(readTcp(address, "GET / HTTP/1.0\r\n\r\n")); // what a client sends is ignored
            assertEquals(25, third.at("/workers/0/requests").asLong());

            // A client that half-closes first (nc -N) still gets the document, and the connection still ends.
            JsonNode fourth = STRICT.readTree(readTcp(address, "stats please\n", true));
            assertEquals(25, fourth.at("/workers/0/requests").asLong());
            assertEquals(2, STRICT.readTree(readTcp(address, null, true)).get("workers").size());
        }
    }

    @Test
    void unixSocketAnswersEachConnectionWithOneDocumentAndIsRemovedOnClose(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("run/stats.sock");
        AtomicLong requests = new AtomicLong(3);
        try (StatsServer server = StatsServer.start(group, ListenAddress.unix(path), source(requests))) {
            assertTrue(Files.exists(path));
            assertEquals(path.toString(), server.localAddress().toString());
            JsonNode first = STRICT.readTree(readUnix(path));
            assertEquals(3, first.at("/workers/0/delta_requests").asLong());
            assertEquals("uwsgi", first.at("/sockets/0/proto").asText());
            requests.set(4);
            JsonNode second = STRICT.readTree(readUnix(path));
            assertEquals(4, second.at("/workers/0/requests").asLong());
        }
        assertFalse(Files.exists(path), "closing removes the socket file");
    }

    @Test
    void aStaleUnixSocketIsReplacedButALiveOneIsAnError(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("stats.sock");
        // A socket file nobody accepts on, as a killed master leaves it (the JDK does not unlink on close).
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(path));
        try (StatsServer server = StatsServer.start(group, ListenAddress.unix(path), source(new AtomicLong(1)))) {
            assertEquals(path.toString(), server.localAddress().toString());
            STRICT.readTree(readUnix(path));
            IOException live = assertThrows(IOException.class,
                    () -> StatsServer.start(group, ListenAddress.unix(path), source(new AtomicLong(1))));
            assertTrue(live.getMessage().contains("another server is accepting"), live.getMessage());
            STRICT.readTree(readUnix(path)); // the first server is untouched
        }

        Path file = dir.resolve("not-a-socket");
        Files.writeString(file, "data");
        assertThrows(IOException.class,
                () -> StatsServer.start(group, ListenAddress.unix(file), source(new AtomicLong(1))));
        assertEquals("data", Files.readString(file));
    }

    @Test
    void aBusyPortIsAnIOException() throws Exception {
        try (StatsServer first = StatsServer.start(group, ListenAddress.parse("127.0.0.1:0"), source(new AtomicLong()))) {
            int port = ((InetSocketAddress) first.localAddress()).getPort();
            IOException e = assertThrows(IOException.class, () ->
                    StatsServer.start(group, ListenAddress.tcp("127.0.0.1", port), source(new AtomicLong())));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        }
    }

    @Test
    void aFailingSourceClosesTheConnectionWithNothingWritten() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Supplier<CompletableFuture<StatsSnapshot>> failing = () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("master is gone");
            }
            return CompletableFuture.failedFuture(new IllegalStateException("still gone"));
        };
        try (StatsServer server = StatsServer.start(group, ListenAddress.parse("127.0.0.1:0"), failing)) {
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            assertEquals(0, readTcp(address, null).length);
            assertEquals(0, readTcp(address, null).length);
        }
    }

    @Test
    void concurrentReadersEachGetAWholeDocument() throws Exception {
        try (StatsServer server = StatsServer.start(group, ListenAddress.parse("127.0.0.1:0"),
                source(new AtomicLong(7)))) {
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<byte[]>> reads = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    reads.add(pool.submit(() -> readTcp(address, null)));
                }
                for (Future<byte[]> read : reads) {
                    assertEquals(2, STRICT.readTree(read.get()).get("workers").size());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
