package dev.malt.server.worker;

import dev.malt.protocol.NettyLeakCheck;
import dev.malt.server.logging.LogCapture;
import dev.malt.server.logging.RateLimitedLog;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A flood of malformed packets costs a handful of log lines, not one per packet. */
@ExtendWith(NettyLeakCheck.class)
class LogFloodTest {

    private static final int PACKETS = 100_000;
    private static final int CLIENTS = 4;

    private WorkerServer server;
    private Path dir;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("w.sock"));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aHundredThousandMalformedPacketsWriteAFewLines() throws Exception {
        assertTrue(Epoll.isAvailable(), "the worker's unix sockets need Netty's epoll transport (Linux)");
        dir = Files.createTempDirectory("flood");
        Path socket = dir.resolve("w.sock");
        server = WorkerServer.start(new WorkerServer.Settings(1, 2, false, 65535, 100, false, 60_000),
                List.of(WorkerListener.bound(WorkerListener.Protocol.UWSGI, "flood.sock",
                        new DomainSocketAddress(socket.toString()))), exchange -> {
                    throw new AssertionError("no malformed packet reaches the app");
                });
        long started = System.nanoTime();
        int answered = 0;
        try (LogCapture log = LogCapture.of(UwsgiServerHandler.class)) {
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                results.add(clients.submit(() -> sendMalformed(socket, PACKETS / CLIENTS)));
            }
            for (Future<Integer> result : results) {
                answered += result.get();
            }
            clients.shutdown();
            long elapsedSeconds = (System.nanoTime() - started) / 1_000_000_000L;

            List<String> lines = log.lines();
            assertEquals(PACKETS, answered, "every malformed packet got its 400");
            // the burst whole, the notice that counting started, and at most one count per interval that began
            long intervals = elapsedSeconds / RateLimitedLog.DEFAULT_INTERVAL.toSeconds() + 1;
            long bound = RateLimitedLog.DEFAULT_BURST + 1 + (intervals - 1) * (RateLimitedLog.DEFAULT_BURST + 2) + 1;
            System.out.println(PACKETS + " malformed packets in " + elapsedSeconds + " s wrote " + lines.size()
                    + " lines (bound " + bound + ")");
            assertTrue(lines.size() <= bound, lines.size() + " lines for " + PACKETS + " packets:\n"
                    + String.join("\n", lines.subList(0, Math.min(30, lines.size()))));
            assertTrue(lines.get(0).startsWith("WARN 400 on flood.sock"), "the first ones are whole: " + lines.get(0));
            assertTrue(lines.stream().anyMatch(l -> l.contains("malformed uwsgi requests: 10 lines within 60 s")),
                    "the log says that it counts from here: " + lines);
        }
    }

    /** Sends {@code count} packets with datasize 0, one connection each; returns how many got a 400. */
    private static int sendMalformed(Path socket, int count) throws IOException {
        int answered = 0;
        ByteBuffer packet = ByteBuffer.wrap(new byte[] {0, 0, 0, 0});
        ByteBuffer in = ByteBuffer.allocate(4096);
        for (int i = 0; i < count; i++) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                packet.rewind();
                channel.write(packet);
                ByteArrayOutputStream response = new ByteArrayOutputStream();
                in.clear();
                while (channel.read(in) >= 0) {
                    in.flip();
                    response.write(in.array(), 0, in.limit());
                    in.clear();
                }
                if (response.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 400 ")) {
                    answered++;
                }
            }
        }
        return answered;
    }
}
