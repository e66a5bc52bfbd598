package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of clients that send 2 bytes of a uwsgi header and then nothing neither keep a worker from
 * serving nginx nor hold their connections for longer than {@code socket-timeout}.
 */
@ExtendWith(Diagnostics.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IdleConnectionsTest {

    private static final int IDLE = 5_000;
    /** Long enough to open every idle connection and send requests beside them, short enough to wait for. */
    private static final int SOCKET_TIMEOUT_SECONDS = 20;

    @Test
    void fiveThousandIdleConnectionsAreClosedWhileNginxKeepsBeingServed() throws Exception {
        Endpoint socket = Endpoint.freeTcp();
        try (MaltProcess malt = MaltProcess.probe("idle").option("threads", "2").option("listen", "1024")
                .option("socket-timeout", Integer.toString(SOCKET_TIMEOUT_SECONDS)).socket(socket).start();
             Nginx nginx = Nginx.to(socket).start();
             Selector selector = Selector.open()) {
            List<SocketChannel> idle = new ArrayList<>();
            try {
                long opening = System.nanoTime();
                for (int i = 0; i < IDLE; i++) {
                    SocketChannel channel = SocketChannel.open(new InetSocketAddress(socket.host(), socket.port()));
                    channel.write(ByteBuffer.wrap(new byte[] {0, 10})); // modifier1 and half of datasize
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ);
                    idle.add(channel);
                }
                long openedMillis = (System.nanoTime() - opening) / 1_000_000;

                int served = 0;
                for (int i = 0; i < 50; i++) {
                    HttpResponse response = RawHttp.get("/pid").timeout(Duration.ofSeconds(10)).send(nginx.endpoint());
                    assertEquals(200, response.status(), response::toString);
                    served++;
                }
                int closedMeanwhile = countClosed(selector, 0);
                long servedMillis = (System.nanoTime() - opening) / 1_000_000;

                int closed = closedMeanwhile;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SOCKET_TIMEOUT_SECONDS + 60);
                while (closed < IDLE && System.nanoTime() < deadline) {
                    closed += countClosed(selector, 1000);
                }
                long closedMillis = (System.nanoTime() - opening) / 1_000_000;
                System.out.println(IDLE + " idle connections opened in " + openedMillis + " ms; " + served
                        + " requests through nginx beside them by " + servedMillis + " ms (" + closedMeanwhile
                        + " idle ones closed by then); all " + closed + " closed by the worker after " + closedMillis
                        + " ms (socket-timeout = " + SOCKET_TIMEOUT_SECONDS + " s)");
                assertEquals(IDLE, closed, "idle connections the worker closed within socket-timeout + 60 s");
                malt.awaitOutputLine(Duration.ofSeconds(10), "no complete request head within "
                        + SOCKET_TIMEOUT_SECONDS + " s (socket-timeout)");
                assertTrue(malt.output().lines().filter(l -> l.contains("no complete request head")).count() < 100,
                        "the closings are logged, rate-limited");
                assertEquals(200, RawHttp.get("/pid").send(nginx.endpoint()).status(), "and the worker serves on");
            } finally {
                for (SocketChannel channel : idle) {
                    channel.close();
                }
            }
        }
    }

    /** Reads what is ready; returns how many connections reached EOF (or a reset) now. */
    private static int countClosed(Selector selector, long waitMillis) throws IOException {
        int ready = waitMillis > 0 ? selector.select(waitMillis) : selector.selectNow();
        if (ready == 0) {
            return 0;
        }
        int closed = 0;
        ByteBuffer buffer = ByteBuffer.allocate(256);
        for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel channel = (SocketChannel) key.channel();
            buffer.clear();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException reset) {
                n = -1;
            }
            if (n < 0) {
                key.cancel();
                channel.close();
                closed++;
            }
        }
        selector.selectedKeys().clear();
        return closed;
    }
}
