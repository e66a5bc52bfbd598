package dev.malt.server.worker;

import dev.malt.protocol.NettyLeakCheck;
import dev.malt.protocol.UwsgiPackets;
import dev.malt.protocol.UwsgiVars;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's network side over real loopback sockets, with a plain handler instead of a servlet. */
@ExtendWith(NettyLeakCheck.class)
class WorkerServerTest {

    private final List<String> handlerThreads = new CopyOnWriteArrayList<>();
    private WorkerServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Echoes the body back with an exact length, or streams it with an unknown length on /stream. */
    private void echo(GatewayExchange exchange) throws IOException {
        handlerThreads.add(Thread.currentThread().getName());
        byte[] body = exchange.body().readAllBytes();
        String uri = exchange.vars().get("REQUEST_URI");
        boolean stream = uri.startsWith("/stream");
        exchange.response().writeHead(200, null, List.of(Map.entry("Content-Type", "application/octet-stream")),
                stream ? -1 : body.length);
        exchange.response().write(body, 0, body.length);
    }

    private InetSocketAddress start(int bufferSize, WorkerListener.Protocol protocol, ExchangeHandler handler)
            throws InterruptedException {
        server = WorkerServer.start(new WorkerServer.Settings(1, 4, false, bufferSize, 100, false, 60_000),
                List.of(WorkerListener.bound(protocol, "test", new InetSocketAddress("127.0.0.1", 0))), handler);
        return (InetSocketAddress) server.localAddresses().get(0);
    }

    @Test
    void answersAUwsgiRequestWithRawHttpAndClosesTheConnection() throws Exception {
        InetSocketAddress address = start(65535, WorkerListener.Protocol.UWSGI, this::echo);
        byte[] response = exchange(address, uwsgi(vars("POST", "/echo", 5), "hello".getBytes(StandardCharsets.US_ASCII)));
        String text = new String(response, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text);
        assertTrue(text.contains("\r\nContent-Length: 5\r\n"), text);
        assertTrue(text.endsWith("\r\n\r\nhello"), text);
        assertTrue(handlerThreads.get(0).startsWith("app-"), "app code runs on an app thread, not " + handlerThreads);
    }

    @Test
    void statusLineFollowsServerProtocol() throws Exception {
        InetSocketAddress address = start(65535, WorkerListener.Protocol.UWSGI, this::echo);
        UwsgiVars vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", "/")
                .add("SERVER_PROTOCOL", "HTTP/1.0").build();
        String text = new String(exchange(address, uwsgi(vars, new byte[0])), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.0 200 OK\r\n"), text);
    }

    @Test
    void unknownLengthIsDelimitedByClose() throws Exception {
        InetSocketAddress address = start(65535, WorkerListener.Protocol.UWSGI, this::echo);
        String text = new String(exchange(address, uwsgi(vars("POST", "/stream", 3), "abc".getBytes())),
                StandardCharsets.ISO_8859_1);
        assertTrue(!text.contains("Content-Length") && !text.contains("chunked"), text);
        assertTrue(text.endsWith("\r\n\r\nabc"), text);
    }

    @Test
    void pingGetsPong() throws Exception {
        InetSocketAddress address = start(65535, WorkerListener.Protocol.UWSGI, this::echo);
        assertArrayEquals(new byte[] {0x64, 0, 0, 1}, exchange(address, new byte[] {0x64, 0, 0, 0}));
    }

    @Test
    void headerBlockOverBufferSizeGets431() throws Exception {
        InetSocketAddress address = start(8192, WorkerListener.Protocol.UWSGI, this::echo);
        UwsgiVars vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", "/")
                .add("HTTP_X_BIG", "x".repeat(20_000)).build();
        String text = new String(exchange(address, uwsgi(vars, new byte[0])), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 431 "), text);
    }

    @Test
    void malformedPacketGets400AndTheWorkerKeepsServing() throws Exception {
        InetSocketAddress address = start(65535, WorkerListener.Protocol.UWSGI, this::echo);
        String text = new String(exchange(address, new byte[] {0, 0, 0, 0}), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 400 "), text);
        String next = new String(exchange(address, uwsgi(vars("POST", "/echo", 2), "ok".getBytes())),
                StandardCharsets.ISO_8859_1);
        assertTrue(next.endsWith("ok"), next);
    }

    @Test
    void unsupportedModifierClosesWithoutAnswer() throws Exception {
        InetSocketAddress address = start(65535, WorkerListener.Protocol.UWSGI, this::echo);
        assertEquals(0, exchange(address, new byte[] {30, 0, 0, 0}).length);
    }

    @Test
    void largeBodyStreamsThroughBothWays() throws Exception {
        InetSocketAddress address = start(65535, WorkerListener.Protocol.UWSGI, this::echo);
        byte[] body = new byte[4 * 1024 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        byte[] response = exchange(address, uwsgi(vars("POST", "/echo", body.length), body));
        byte[] tail = java.util.Arrays.copyOfRange(response, response.length - body.length, response.length);
        assertArrayEquals(body, tail);
    }

    @Test
    void responseArrivesIntactWhenTheAppIgnoresALargeBody() throws Exception {
        InetSocketAddress address = start(65535, WorkerListener.Protocol.UWSGI, exchange -> {
            byte[] text = "ignored".getBytes(StandardCharsets.US_ASCII);
            exchange.response().writeHead(200, null, List.of(), text.length);
            exchange.response().write(text, 0, text.length);
        });
        byte[] body = new byte[2 * 1024 * 1024];
        String text = new String(exchange(address, uwsgi(vars("POST", "/ignore", body.length), body)),
                StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 200 OK") && text.endsWith("ignored"), text);
    }

    @Test
    void httpSocketKeepsTheConnectionAliveAndChunksUnknownLengths() throws Exception {
        InetSocketAddress address = start(65535, WorkerListener.Protocol.HTTP, this::echo);
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
            String first = readResponse(in);
            assertTrue(first.contains("Content-Length: 3") && first.endsWith("abc"), first);
            out.write("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nxy".getBytes(StandardCharsets.US_ASCII));
            String second = readResponse(in);
            assertTrue(second.contains("Transfer-Encoding: chunked"), second);
            assertTrue(second.endsWith("2\r\nxy\r\n0\r\n\r\n"), second);
        }
    }

    @Test
    void httpSocketClosesAfterHttp10() throws Exception {
        InetSocketAddress address = start(65535, WorkerListener.Protocol.HTTP, this::echo);
        String text = new String(exchange(address, "GET /stream HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.0 200 OK") && text.contains("Connection: close"), text);
    }

    @Test
    void httpSocketHeadersOverBufferSizeGet431() throws Exception {
        InetSocketAddress address = start(8192, WorkerListener.Protocol.HTTP, this::echo);
        String request = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n";
        String text = new String(exchange(address, request.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 431 "), text);
    }

    @Test
    void anAsyncServletAnswersAfterItsThreadReturned() throws Exception {
        java.nio.file.Path classes = java.nio.file.Path.of(dev.malt.server.servlet.apps.ScenarioServlet.class
                .getProtectionDomain().getCodeSource().getLocation().toURI());
        try (dev.malt.server.servlet.ServletHost host = dev.malt.server.servlet.ServletHost.start(
                new dev.malt.server.servlet.ServletAppSpec("async", dev.malt.server.servlet.apps.ScenarioServlet.class.getName(),
                        List.of(classes.toString()), classes, "", Map.of()))) {
            InetSocketAddress address = start(65535, WorkerListener.Protocol.UWSGI, host::handle);
            String text = new String(exchange(address, uwsgi(vars("GET", "/async", 0), new byte[0])),
                    StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 200 OK") && text.endsWith("async done on another thread"), text);
            assertEquals(1, server.requests(), "the request is counted once, when it ends");
            assertEquals(0, server.inFlight(), "nothing is left open");
        }
    }

    @Test
    void trailersReachAnHttp11ClientAndAreRefusedWhereTheyCannot() throws Exception {
        java.nio.file.Path classes = java.nio.file.Path.of(dev.malt.server.servlet.apps.ScenarioServlet.class
                .getProtectionDomain().getCodeSource().getLocation().toURI());
        try (dev.malt.server.servlet.ServletHost host = dev.malt.server.servlet.ServletHost.start(
                new dev.malt.server.servlet.ServletAppSpec("trailers", dev.malt.server.servlet.apps.ScenarioServlet.class.getName(),
                        List.of(classes.toString()), classes, "", Map.of()))) {
            InetSocketAddress address = start(65535, WorkerListener.Protocol.HTTP, host::handle);
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write("GET /trailers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(all.contains("Transfer-Encoding: chunked"), all);
                assertTrue(all.contains("body with trailers"), all);
                assertTrue(all.endsWith("0\r\nX-Checksum: abc\r\n\r\n"), all);
            }
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(("POST /request-trailers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 6\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(all.contains("abc ready=true {x-sum=6}"), "request trailers reach the app: " + all);
            }
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write("GET /trailers HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(text.endsWith("\r\n\r\nISE"), "HTTP/1.0 has no trailers: " + text);
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static UwsgiVars vars(String method, String uri, int contentLength) {
        return UwsgiVars.builder().add("REQUEST_METHOD", method).add("REQUEST_URI", uri)
                .add("SERVER_PROTOCOL", "HTTP/1.1").add("CONTENT_LENGTH", Integer.toString(contentLength)).build();
    }

    private static byte[] uwsgi(UwsgiVars vars, byte[] body) {
        ByteBuf head = UwsgiPackets.requestHead(UnpooledByteBufAllocator.DEFAULT, vars);
        byte[] packet = new byte[head.readableBytes() + body.length];
        head.readBytes(packet, 0, head.readableBytes());
        int headLength = packet.length - body.length;
        head.release();
        System.arraycopy(body, 0, packet, headLength, body.length);
        return packet;
    }

    /**
     * Sends everything on a background thread (the server may answer first) and reads to EOF. Like nginx,
     * the client keeps its side open until the response ends.
     */
    private static byte[] exchange(InetSocketAddress address, byte[] request) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(20_000);
            List<Exception> sendErrors = new ArrayList<>();
            Thread sender = new Thread(() -> {
                try {
                    socket.getOutputStream().write(request);
                } catch (IOException e) {
                    sendErrors.add(e);
                }
            });
            sender.start();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(response);
            sender.join();
            return response.toByteArray();
        }
    }

    /** Reads one HTTP response with Content-Length or chunked framing, without waiting for EOF. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        String headText = head.toString();
        StringBuilder body = new StringBuilder();
        if (headText.contains("Transfer-Encoding: chunked")) {
            while (!body.toString().endsWith("0\r\n\r\n")) {
                body.append((char) in.read());
            }
        } else {
            int start = headText.indexOf("Content-Length: ") + 16;
            int length = Integer.parseInt(headText.substring(start, headText.indexOf('\r', start)));
            for (int i = 0; i < length; i++) {
                body.append((char) in.read());
            }
        }
        return headText + body;
    }
}
