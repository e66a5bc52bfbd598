package dev.malt.server.worker;

import dev.malt.server.testing.Eventually;

import dev.malt.protocol.NettyLeakCheck;
import dev.malt.protocol.UwsgiPackets;
import dev.malt.protocol.UwsgiVars;
import dev.malt.server.config.AppConfig;
import dev.malt.server.files.StaticMappings;
import dev.malt.server.servlet.GatewayExchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * static-map files served by the worker itself, over real loopback sockets (uwsgi and HTTP), with an app
 * handler that records what reaches it: headers, conditional requests, ranges, fall-through to the app,
 * traversal attempts, and no app thread taken.
 */
@ExtendWith(NettyLeakCheck.class)
class StaticFilesTest {

    @TempDir
    Path tmp;
    Path site;
    byte[] big;

    private final List<String> appSaw = new CopyOnWriteArrayList<>();
    private WorkerServer server;

    @BeforeEach
    void layout() throws IOException {
        tmp = tmp.toRealPath();
        site = Files.createDirectories(tmp.resolve("static"));
        Files.createDirectories(site.resolve("css"));
        Files.writeString(site.resolve("css/app.css"), "body { color: teal }\n");
        Files.writeString(site.resolve("robots.txt"), "User-agent: *\n");
        Files.writeString(site.resolve("blob.unknownext"), "??");
        big = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i % 251);
        }
        Files.write(site.resolve("big.bin"), big);
        Files.writeString(tmp.resolve("secret.txt"), "SECRET");
        Files.createSymbolicLink(site.resolve("leak.txt"), tmp.resolve("secret.txt"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The app: answers 200 "app:" + path, on an app thread. */
    private void app(GatewayExchange exchange) throws IOException {
        String uri = exchange.vars().get("REQUEST_URI");
        appSaw.add(uri);
        byte[] body = ("app:" + uri).getBytes(StandardCharsets.UTF_8);
        exchange.response().writeHead(200, null, List.of(), body.length);
        exchange.response().write(body, 0, body.length);
    }

    private InetSocketAddress start(WorkerListener.Protocol protocol, int threads, ExchangeHandler handler,
                                    long socketTimeoutMillis) throws Exception {
        StaticFiles statics = new StaticFiles(StaticMappings.of(List.of(Map.entry("/static", site))),
                List.of(new AppConfig.ExpiresRule(Pattern.compile("\\.css$"), 3600)),
                List.of(new AppConfig.ExpiresRule(Pattern.compile("^/static/robots"), 60)), socketTimeoutMillis);
        WorkerServer.Settings settings = new WorkerServer.Settings(1, threads, false, 65535, 100, false, socketTimeoutMillis);
        server = WorkerServer.start(settings,
                List.of(WorkerListener.bound(protocol, "test", new InetSocketAddress("127.0.0.1", 0))), handler,
                WorkerServer.appExecutor(settings), statics);
        return (InetSocketAddress) server.localAddresses().get(0);
    }

    private InetSocketAddress start(WorkerListener.Protocol protocol) throws Exception {
        return start(protocol, 4, this::app, 60_000);
    }

    @Test
    void aFileOverTheHttpSocketWithItsHeaders() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP);
        Response r = http(address, "GET /static/css/app.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(200, r.status, r::toString);
        assertEquals("body { color: teal }\n", r.text());
        assertEquals("text/css", r.header("content-type"));
        assertEquals("21", r.header("content-length"));
        assertEquals("bytes", r.header("accept-ranges"));
        assertTrue(r.header("etag").startsWith("W/\"21-"), r::toString);
        assertNotNull(r.header("last-modified"));
        assertNotNull(r.header("date"));
        assertEquals("max-age=3600", r.header("cache-control"));
        assertNotNull(r.header("expires"));
        assertEquals(List.of(), appSaw, "the app never sees a static file's request");
        assertEquals(1, server.requests(), "counted like an app request");
    }

    @Test
    void aFileOverTheUwsgiSocket() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.UWSGI);
        Response r = uwsgi(address, "GET", "/static/robots.txt");
        assertEquals(200, r.status, r::toString);
        assertEquals("User-agent: *\n", r.text());
        assertEquals("text/plain", r.header("content-type"));
        assertEquals("max-age=60", r.header("cache-control"), "static-expires-uri matched the request URI");
        assertEquals("application/octet-stream", uwsgi(address, "GET", "/static/blob.unknownext").header("content-type"));
        assertEquals(List.of(), appSaw);
    }

    @Test
    void aLargeFileArrivesWholeOnBothSockets() throws Exception {
        InetSocketAddress uwsgi = start(WorkerListener.Protocol.UWSGI);
        Response r = uwsgi(uwsgi, "GET", "/static/big.bin");
        assertEquals(Integer.toString(big.length), r.header("content-length"));
        assertArrayEquals(big, r.body);
        server.close();
        InetSocketAddress http = start(WorkerListener.Protocol.HTTP);
        Response h = http(http, "GET /static/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertArrayEquals(big, h.body);
    }

    @Test
    void conditionalRequestsGet304() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.UWSGI);
        Response first = uwsgi(address, "GET", "/static/css/app.css");
        Response byTag = uwsgi(address, "GET", "/static/css/app.css", "HTTP_IF_NONE_MATCH", first.header("etag"));
        assertEquals(304, byTag.status, byTag::toString);
        assertEquals(0, byTag.body.length);
        assertEquals(first.header("etag"), byTag.header("etag"));
        assertEquals("max-age=3600", byTag.header("cache-control"), "a 304 carries the caching headers too");
        assertNull(byTag.header("content-length"), "no Content-Length that would misstate the file's");
        Response byDate = uwsgi(address, "GET", "/static/css/app.css", "HTTP_IF_MODIFIED_SINCE", first.header("last-modified"));
        assertEquals(304, byDate.status, byDate::toString);
        Response changed = uwsgi(address, "GET", "/static/css/app.css", "HTTP_IF_NONE_MATCH", "W/\"0-0\"");
        assertEquals(200, changed.status);
    }

    @Test
    void rangesGet206Or416() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP);
        Response part = http(address, "GET /static/big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-1999\r\nConnection: close\r\n\r\n");
        assertEquals(206, part.status, part::toString);
        assertEquals("bytes 1000-1999/" + big.length, part.header("content-range"));
        assertArrayEquals(java.util.Arrays.copyOfRange(big, 1000, 2000), part.body);
        Response tail = http(address, "GET /static/big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=-5\r\nConnection: close\r\n\r\n");
        assertArrayEquals(java.util.Arrays.copyOfRange(big, big.length - 5, big.length), tail.body);
        Response none = http(address, "GET /static/big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=99999999-\r\nConnection: close\r\n\r\n");
        assertEquals(416, none.status, none::toString);
        assertEquals("bytes */" + big.length, none.header("content-range"));
    }

    @Test
    void headGivesTheHeadersOnly() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP);
        try (Socket socket = connect(address)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("HEAD /static/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Response head = readHead(in);
            assertEquals(200, head.status);
            assertEquals(Integer.toString(big.length), head.header("content-length"));
            // the connection stays usable: the next response starts right after the head
            out.write("GET /static/robots.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Response next = readHead(in);
            assertEquals(200, next.status);
            assertEquals("User-agent: *\n", new String(in.readNBytes(14), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void whatIsNotAFileGoesOnToTheApp() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.UWSGI);
        assertEquals("app:/static/missing.css", uwsgi(address, "GET", "/static/missing.css").text());
        assertEquals("app:/static/css/", uwsgi(address, "GET", "/static/css/").text(), "directories are never listed");
        assertEquals("app:/static/css", uwsgi(address, "GET", "/static/css").text());
        assertEquals("app:/static/robots.txt", uwsgi(address, "POST", "/static/robots.txt").text(), "only GET and HEAD");
        assertEquals("app:/other", uwsgi(address, "GET", "/other").text());
        assertEquals(5, appSaw.size());
        assertEquals(5, server.requests());
    }

    /** Raw request targets on the http-socket, which decodes them once as nginx does. */
    @ParameterizedTest
    @ValueSource(strings = {
            "/static/../secret.txt",
            "/static/%2e%2e/secret.txt",
            "/static/%2E%2E/%2E%2E/secret.txt",
            "/static/..%2fsecret.txt",
            "/static/..%2Fsecret.txt",
            "/static/%252e%252e/secret.txt",
            "/static/%252e%252e%252fsecret.txt",
            "/static/%c0%ae%c0%ae/secret.txt",
            "/static/%c0%ae%c0%ae%c0%afsecret.txt",
            "/static/..%5csecret.txt",
            "/static/..\\secret.txt",
            "/static/css/app.css%00.png",
            "/static/leak.txt",
            "/static/css/./../../secret.txt",
    })
    void traversalAttemptsAreRefusedOnTheHttpSocket(String target) throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP);
        Response r = http(address, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(403, r.status, () -> target + "\n" + r);
        assertFalse(r.text().contains("SECRET"), r::toString);
        assertEquals(List.of(), appSaw, "nothing reaches the app either");
    }

    @Test
    void traversalAttemptsAreRefusedOnTheUwsgiSocket() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.UWSGI);
        for (String pathInfo : List.of("/static/../secret.txt", "/static/leak.txt", "/static/%2e%2e/secret.txt",
                "/static/..\\secret.txt")) {
            Response r = uwsgi(address, "GET", pathInfo);
            assertEquals(403, r.status, () -> pathInfo + "\n" + r);
            assertFalse(r.text().contains("SECRET"));
        }
        assertEquals(List.of(), appSaw);
    }

    @Test
    void filesAreServedWhileEveryAppThreadIsBusy() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InetSocketAddress address = start(WorkerListener.Protocol.UWSGI, 1, exchange -> {
            entered.countDown();
            release.await();
            app(exchange);
        }, 60_000);
        Thread blocked = new Thread(() -> {
            try {
                uwsgi(address, "GET", "/block");
            } catch (Exception ignored) {
                // the test fails on its own assertions
            }
        });
        blocked.start();
        try {
            assertTrue(entered.await(20, TimeUnit.SECONDS), "the app request started");
            for (int i = 0; i < 5; i++) {
                Response r = uwsgi(address, "GET", "/static/css/app.css");
                assertEquals(200, r.status, "a static file while the one app thread is held");
                assertArrayEquals(Files.readAllBytes(site.resolve("css/app.css")), r.body);
            }
        } finally {
            release.countDown();
            blocked.join();
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffAfterTheSocketTimeout() throws Exception {
        Path huge = site.resolve("huge.bin");
        try (var file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(256L * 1024 * 1024); // sparse: no disk used
        }
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP, 4, this::app, 300);
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write("GET /static/huge.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // read nothing until the server gave up: a few kernel buffers' worth arrive, then the end
            Eventually.until("the client connected", () -> server.openConnections() == 1);
            Eventually.until("the server cut the stalled client off", () -> server.openConnections() == 0);
            long received = 0;
            try {
                received = socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException reset) {
                // a reset is as good as an end here
            }
            assertTrue(received < 256L * 1024 * 1024, "the connection was closed before the whole file went out");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    record Response(int status, Map<String, String> headers, byte[] body, String head) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return head + (body.length < 2000 ? new String(body, StandardCharsets.ISO_8859_1) : "[" + body.length + " bytes]");
        }
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static Response http(InetSocketAddress address, String request) throws IOException {
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    private static Response uwsgi(InetSocketAddress address, String method, String pathInfo, String... extraVars)
            throws IOException {
        UwsgiVars.Builder vars = UwsgiVars.builder().add("REQUEST_METHOD", method).add("REQUEST_URI", pathInfo)
                .add("PATH_INFO", pathInfo).add("SERVER_PROTOCOL", "HTTP/1.1").add("CONTENT_LENGTH", "0");
        for (int i = 0; i < extraVars.length; i += 2) {
            vars.add(extraVars[i], extraVars[i + 1]);
        }
        ByteBuf head = UwsgiPackets.requestHead(UnpooledByteBufAllocator.DEFAULT, vars.build());
        byte[] packet = new byte[head.readableBytes()];
        head.readBytes(packet);
        head.release();
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write(packet);
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    private static Response parse(byte[] all) {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("no complete response head: " + text);
        }
        String head = text.substring(0, end + 4);
        return new Response(status(head), headers(head), java.util.Arrays.copyOfRange(all, end + 4, all.length), head);
    }

    /** Reads one head from a kept-alive connection, without waiting for the end of the stream. */
    private static Response readHead(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (!bytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended inside a head: " + bytes);
            }
            bytes.write(b);
        }
        String head = bytes.toString(StandardCharsets.ISO_8859_1);
        return new Response(status(head), headers(head), new byte[0], head);
    }

    private static int status(String head) {
        return Integer.parseInt(head.substring(9, 12));
    }

    private static Map<String, String> headers(String head) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>(List.of(head.split("\r\n")));
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }
}
