package dev.malt.server.servlet;

import dev.malt.protocol.NettyLeakCheck;
import dev.malt.protocol.UwsgiPackets;
import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.apps.core.UpgradeServlet;
import dev.malt.server.worker.WorkerListener;
import dev.malt.server.worker.WorkerServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code HttpServletRequest.upgrade()} over real sockets, through a worker's network side and the servlet
 * host as a worker runs them (one pool of app threads for both), the way the Servlet TCK's upgrade test
 * talks to a container: the request, then raw bytes on the same connection without waiting for the 101.
 */
@ExtendWith(NettyLeakCheck.class)
class HttpUpgradeTest {

    private static final String UPGRADE_REQUEST = "POST /upgrade HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\n"
            + "Connection: Upgrade\r\nContent-type: application/x-www-form-urlencoded\r\n\r\n";

    @TempDir
    Path stateDir;

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private ServletHost host;
    private WorkerServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (host != null) {
            host.close();
        }
    }

    private InetSocketAddress start(WorkerListener.Protocol protocol) throws Exception {
        Path classes = Path.of(UpgradeServlet.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        WorkerServer.Settings settings = new WorkerServer.Settings(1, 4, false, 65535, 100, false, 60_000);
        ExecutorService appThreads = WorkerServer.appExecutor(settings);
        host = ServletHost.start(new HostSpec("upgrade", List.of(ContextSpec.servlet("", UpgradeServlet.class.getName(),
                List.of(classes.toString()), classes, java.util.Map.of())), stateDir, 1), appThreads);
        host.context("").context().setAttribute(TestWebApp.EVENTS, events);
        server = WorkerServer.start(settings, List.of(WorkerListener.bound(protocol, "test",
                new InetSocketAddress("127.0.0.1", 0))), host::handle, appThreads);
        return (InetSocketAddress) server.localAddresses().get(0);
    }

    @Test
    void theTckFlowSwitchesProtocolsEchoesAndDestroysTheHandler() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP);
        try (Socket socket = connect(address)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // the request and the first raw bytes in one write: "Hello" reaches the server before the 101 leaves
            out.write((UPGRADE_REQUEST + "Hello").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readUntil(in, "\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
            assertTrue(head.contains("\r\nUpgrade: echo\r\n") && head.contains("\r\nConnection: Upgrade\r\n"), head);
            assertFalse(head.contains("Content-Length") || head.contains("Transfer-Encoding"), "no body framing: " + head);
            assertEquals("init done\r\n", readUntil(in, "\r\n"));
            assertEquals("data|Hello\r\n", readUntil(in, "\r\n"), "bytes sent before the 101 went to the handler");
            assertEquals(1, server.requests(), "the HTTP request ended with the 101");
            assertEquals(0, server.inFlight(), "the upgraded connection is no request in flight");

            out.write("World".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("data|World\r\n", readUntil(in, "\r\n"));

            socket.shutdownOutput(); // the peer ends its side: onAllDataRead, then the handler closes
            assertEquals("all data read\r\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertTrue(nextEvent().startsWith("servlet returns on app-"));
        assertEvent("init [app-", ", app loader]");
        assertEvent("onDataAvailable Hello [app-", ", app loader]");
        assertEvent("onDataAvailable World [app-", ", app loader]");
        assertEvent("onAllDataRead finished=true [app-", ", app loader]");
        assertEvent("destroy [app-", ", app loader]");
    }

    @Test
    void aWriteListenerSendsMegabytesWithoutBlockingAndCloses() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP);
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write("GET /bulk HTTP/1.1\r\nHost: x\r\nUpgrade: bulk\r\nConnection: Upgrade\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = readUntil(in, "\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 101 ") && head.contains("\r\nUpgrade: bulk\r\n"), head);
            long received = 0;
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received += n;
            }
            assertEquals(dev.malt.server.servlet.apps.core.BulkUpgradeHandler.TOTAL, received, "every byte, then the close");
        }
        assertEquals("sent " + dev.malt.server.servlet.apps.core.BulkUpgradeHandler.TOTAL, nextEvent());
        assertEquals("destroy", nextEvent());
    }

    @Test
    void aStoppingWorkerClosesUpgradedConnectionsAfterItsMercyAndDestroysTheHandlers() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP);
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write(UPGRADE_REQUEST.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            readUntil(in, "\r\n\r\n");
            assertEquals("init done\r\n", readUntil(in, "\r\n"));

            server.stopAccepting();
            assertFalse(server.drain(300), "the upgraded connection was still open at the end of the mercy");
            assertEquals(-1, in.read(), "the worker closed the connection");
        }
        assertTrue(nextEvent().startsWith("servlet returns"));
        assertEvent("init [", "]");
        List<String> rest = new ArrayList<>();
        events.drainTo(rest); // no waiting: drain() returned only after the handler was destroyed
        assertEquals(List.of("onError java.io.IOException: the worker is stopping: upgraded connections are closed "
                        + "at the end of its mercy period [app-1, app loader]", "destroy [app-1, app loader]"),
                rest.stream().map(e -> e.replaceAll("app-\\d+", "app-1")).toList());
    }

    @Test
    void aConnectionResetReachesTheReadListenerBeforeDestroy() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP);
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write(UPGRADE_REQUEST.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            readUntil(in, "\r\n\r\n");
            assertEquals("init done\r\n", readUntil(in, "\r\n"));
            socket.setSoLinger(true, 0); // close() sends RST: the connection breaks instead of ending
        }
        assertTrue(nextEvent().startsWith("servlet returns"));
        assertEvent("init [", "]");
        assertEvent("onError java.io.IOException: ", ", app loader]");
        assertEvent("destroy [app-", ", app loader]");
    }

    @Test
    void theUwsgiSocketRefusesUpgradeWithAnExplanation() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.UWSGI);
        UwsgiVars vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", "/try-upgrade")
                .add("PATH_INFO", "/try-upgrade").add("SERVER_PROTOCOL", "HTTP/1.1")
                .add("HTTP_UPGRADE", "echo").add("HTTP_CONNECTION", "Upgrade").build();
        ByteBuf packet = UwsgiPackets.requestHead(UnpooledByteBufAllocator.DEFAULT, vars);
        byte[] bytes = new byte[packet.readableBytes()];
        packet.readBytes(bytes);
        packet.release();
        try (Socket socket = connect(address)) {
            socket.getOutputStream().write(bytes);
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200 "), response);
            assertTrue(response.contains("refused: upgrade(): HTTP upgrade (WebSocket and others) needs a client "
                    + "connected to Malt's 'http-socket'"), response);
        }
    }

    @Test
    void aRefusedUpgradeLeavesAWorkingKeepAliveConnection() throws Exception {
        InetSocketAddress address = start(WorkerListener.Protocol.HTTP);
        try (Socket socket = connect(address)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // a request asking for an upgrade that the servlet does not grant, and one pipelined behind it
            out.write(("POST /refuse HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n"
                    + "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String first = readResponse(in);
            assertTrue(first.startsWith("HTTP/1.1 200 ") && first.endsWith("not upgraded, Upgrade: echo"), first);
            assertFalse(first.contains("Connection: close"), first);
            assertTrue(readResponse(in).endsWith("\r\n\r\nplain"), "the pipelined request was answered");

            out.write("GET /try-upgrade HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String refused = readResponse(in);
            assertTrue(refused.contains("refused: upgrade(): the request did not ask to switch protocols"), refused);

            out.write("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(readResponse(in).endsWith("\r\n\r\nplain"), "the same connection still serves requests");
        }
        assertEquals(4, server.requests());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private String nextEvent() throws InterruptedException {
        String event = events.poll(20, TimeUnit.SECONDS);
        assertNotNull(event, "an event within 20 s");
        return event;
    }

    private void assertEvent(String prefix, String suffix) throws InterruptedException {
        String event = nextEvent();
        assertTrue(event.startsWith(prefix) && event.endsWith(suffix), "expected " + prefix + "..." + suffix + ", got " + event);
    }

    /** Reads up to and including {@code end}; the bytes as latin-1. */
    private static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + text);
            }
            text.append((char) b);
        }
        return text.toString();
    }

    /** One response with a Content-Length body (what these servlets send), without waiting for EOF. */
    private static String readResponse(InputStream in) throws IOException {
        String head = readUntil(in, "\r\n\r\n");
        int start = head.indexOf("Content-Length: ");
        assertTrue(start > 0, head);
        start += 16;
        int length = Integer.parseInt(head.substring(start, head.indexOf('\r', start)));
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.ISO_8859_1);
    }
}
