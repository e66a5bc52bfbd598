package dev.malt.server.worker;

import dev.malt.protocol.NettyLeakCheck;
import dev.malt.protocol.UwsgiPackets;
import dev.malt.protocol.UwsgiVars;
import dev.malt.server.logging.LogCapture;
import dev.malt.server.servlet.GatewayExchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Idle and slow clients cannot hold a worker's connections ({@code socket-timeout} on reads), and a
 * worker stops accepting at {@code max-connections} instead of running out of descriptors.
 */
@ExtendWith(NettyLeakCheck.class)
class SlowClientsTest {

    /** Short, so the tests are quick; what is tested is that the connection ends, not when. */
    private static final long TIMEOUT_MILLIS = 500;
    /** How long a client waits for the worker before the test fails: far above any timeout here. */
    private static final int CLIENT_WAIT_MILLIS = 30_000;

    private WorkerServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private InetSocketAddress start(WorkerListener.Protocol protocol, long socketTimeoutMillis, int maxConnections,
                                    ExchangeHandler handler) throws InterruptedException {
        server = WorkerServer.start(new WorkerServer.Settings(1, 2, false, 65535, 100, false, socketTimeoutMillis,
                        maxConnections),
                List.of(WorkerListener.bound(protocol, "test", new InetSocketAddress("127.0.0.1", 0))), handler);
        return (InetSocketAddress) server.localAddresses().get(0);
    }

    private static void echo(GatewayExchange exchange) throws IOException {
        byte[] body = exchange.body().readAllBytes();
        exchange.response().writeHead(200, null, List.of(), body.length);
        exchange.response().write(body, 0, body.length);
    }

    @Test
    void aConnectionThatSendsTwoBytesOfAUwsgiHeaderIsClosed() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.UWSGI, TIMEOUT_MILLIS, 100, SlowClientsTest::echo);
        try (LogCapture log = LogCapture.of(StalledReadGuard.class); Socket socket = connect(address)) {
            socket.getOutputStream().write(new byte[] {0, 10});
            assertEquals(-1, readOrTimeOut(socket), "the worker closes the connection without an answer");
            assertTrue(log.contains("no complete request head within 1 s (socket-timeout)"), log.lines()::toString);
        }
    }

    @Test
    void aHeadThatTricklesInIsClosedAllTheSame() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP, TIMEOUT_MILLIS, 100, SlowClientsTest::echo);
        try (Socket socket = connect(address)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(100);
            // one header byte at a time, each well within the timeout: only a deadline for the whole head ends it
            for (int sent = 0; ; sent++) {
                if (sent == 1000) {
                    fail("a head trickling in for " + sent + " reads kept the connection open");
                }
                try {
                    out.write('X');
                } catch (IOException closed) {
                    break;
                }
                try {
                    if (socket.getInputStream().read() == -1) {
                        break;
                    }
                    fail("the worker answered an unfinished head");
                } catch (SocketTimeoutException stillOpen) {
                    // no answer yet: send the next byte
                } catch (IOException reset) {
                    break;
                }
            }
        }
    }

    @Test
    void aStalledBodyEndsTheRequestWithAnErrorTheAppSees() throws Exception {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        InetSocketAddress address = start(WorkerListener.Protocol.UWSGI, TIMEOUT_MILLIS, 100, exchange -> {
            try {
                exchange.body().readAllBytes();
                seen.complete(null);
            } catch (IOException e) {
                seen.complete(e);
                throw e;
            }
        });
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write(uwsgi(vars("POST", "/upload", 10), "abc".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(-1, readOrTimeOut(socket), "the worker closes the connection");
            Throwable error = seen.get(CLIENT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertTrue(error != null && error.getMessage().contains("no request body bytes for"), String.valueOf(error));
        }
    }

    @Test
    void anAppSlowToReadTheBodyOrToAnswerIsNotCutOff() throws Exception {
        // the app, not the client, takes longer than socket-timeout: no read is asked for meanwhile
        InetSocketAddress address = start(WorkerListener.Protocol.UWSGI, TIMEOUT_MILLIS, 100, exchange -> {
            slowApp();
            echo(exchange);
        });
        String text = exchangeText(address, uwsgi(vars("POST", "/slow", 5), "hello".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(text.startsWith("HTTP/1.1 200 OK") && text.endsWith("hello"), text);

        server.close();
        address = start(WorkerListener.Protocol.HTTP, TIMEOUT_MILLIS, 100, exchange -> {
            slowApp();
            echo(exchange);
        });
        text = exchangeText(address, "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertTrue(text.startsWith("HTTP/1.1 200 OK"), text);
    }

    @Test
    void atMaxConnectionsTheWorkerStopsAcceptingAndTheQueueWaits() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.UWSGI, 60_000, 3, SlowClientsTest::echo);
        List<Socket> idle = new ArrayList<>();
        List<Socket> waiting = new ArrayList<>();
        try (LogCapture log = LogCapture.of(WorkerServer.class)) {
            for (int i = 0; i < 3; i++) {
                idle.add(connect(address));
            }
            awaitLog(log, "max-connections = 3 reached");
            assertEquals(3, server.openConnections());
            for (int i = 0; i < 3; i++) {
                Socket socket = connect(address); // the kernel completes the handshake: it waits in the backlog
                socket.getOutputStream().write(uwsgi(vars("POST", "/echo", 2), "ok".getBytes(StandardCharsets.US_ASCII)));
                waiting.add(socket);
            }
            assertEquals(3, server.openConnections(), "nothing beyond the cap is accepted");
            for (Socket socket : idle) {
                socket.close();
            }
            for (Socket socket : waiting) {
                String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(text.startsWith("HTTP/1.1 200 OK") && text.endsWith("ok"),
                        "a connection that waited in the backlog is served once others closed: " + text);
            }
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
            for (Socket socket : waiting) {
                socket.close();
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The app's own work, longer than socket-timeout. */
    private static void slowApp() {
        try {
            Thread.sleep(3 * TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitLog(LogCapture log, String fragment) throws InterruptedException {
        log.awaitLine(fragment, java.time.Duration.ofMillis(CLIENT_WAIT_MILLIS));
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(CLIENT_WAIT_MILLIS);
        return socket;
    }

    /** The next byte, or -1 at EOF (a reset counts as closed too); fails if the worker holds on. */
    private static int readOrTimeOut(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the worker still holds the connection after " + CLIENT_WAIT_MILLIS + " ms", e);
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private static String exchangeText(InetSocketAddress address, byte[] request) throws IOException {
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write(request);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static UwsgiVars vars(String method, String uri, int contentLength) {
        return UwsgiVars.builder().add("REQUEST_METHOD", method).add("REQUEST_URI", uri)
                .add("SERVER_PROTOCOL", "HTTP/1.1").add("CONTENT_LENGTH", Integer.toString(contentLength)).build();
    }

    static byte[] uwsgi(UwsgiVars vars, byte[] body) {
        ByteBuf head = UwsgiPackets.requestHead(UnpooledByteBufAllocator.DEFAULT, vars);
        byte[] packet = new byte[head.readableBytes() + body.length];
        int headLength = head.readableBytes();
        head.readBytes(packet, 0, headLength);
        head.release();
        System.arraycopy(body, 0, packet, headLength, body.length);
        return packet;
    }

}
