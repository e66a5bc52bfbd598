package dev.malt.server.worker;

import dev.malt.protocol.NettyLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On the HTTP socket, the Host header is checked before it becomes the server name of URLs and redirects. */
@ExtendWith(NettyLeakCheck.class)
class HostHeaderTest {

    private WorkerServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "example.com:8080", "EXAMPLE.com.", "127.0.0.1:80", "[::1]", "[::1]:8443",
            "[2001:db8::7]:1", "xn--bcher-kva.example", "a_b~c-d", "%41.example", "host:", "[v1.fe80::a+en1]",
            "sub!$&'()*+,;=delims"})
    void validHosts(String host) {
        assertTrue(HostHeader.isValid(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example/path", "user@example.com", "example.com:80:80", "example.com:http",
            "example.com:65536", "example.com:123456", "[::1", "[::1]x", "[::1]:8x", "[fe80::1%25eth0]", "[not-ipv6]",
            "exa mple.com", "exa\"mple", "<script>", "a\\b", "%4", "%zz", "[v.x]", "é.example", "host\t"})
    void invalidHosts(String host) {
        assertFalse(HostHeader.isValid(host), host);
    }

    @Test
    void longerThanAnyDnsNameIsInvalid() {
        assertFalse(HostHeader.isValid("a".repeat(300)));
    }

    @Test
    void theHttpSocketAnswers400ForABadHostAndTheAppNeverSeesIt() throws Exception {
        server = WorkerServer.start(new WorkerServer.Settings(1, 2, false, 65535, 100, false, 60_000),
                List.of(WorkerListener.bound(WorkerListener.Protocol.HTTP, "test", new InetSocketAddress("127.0.0.1", 0))),
                exchange -> {
                    byte[] name = exchange.vars().get("SERVER_NAME").getBytes(StandardCharsets.UTF_8);
                    exchange.response().writeHead(200, null, List.of(), name.length);
                    exchange.response().write(name, 0, name.length);
                });
        InetSocketAddress address = (InetSocketAddress) server.localAddresses().get(0);
        assertTrue(send(address, "GET / HTTP/1.1\r\nHost: shop.example:8080\r\n").endsWith("\r\n\r\nshop.example"));
        for (String head : List.of(
                "GET / HTTP/1.1\r\nHost: evil.example/phish?\r\n",
                "GET / HTTP/1.1\r\nHost: a@evil.example\r\n",
                "GET / HTTP/1.1\r\nHost: one.example\r\nHost: two.example\r\n",
                "GET / HTTP/1.1\r\n")) {
            String response = send(address, head);
            assertTrue(response.startsWith("HTTP/1.1 400 "), head + " => " + response);
        }
        assertTrue(send(address, "GET / HTTP/1.0\r\n").startsWith("HTTP/1.0 200 "), "HTTP/1.0 needs no Host");
    }

    private static String send(InetSocketAddress address, String head) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
