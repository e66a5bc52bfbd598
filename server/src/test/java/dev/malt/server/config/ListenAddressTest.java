package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ListenAddressTest {

    @Test
    void tcp_forms() throws Exception {
        ListenAddress v4 = ListenAddress.parse("127.0.0.1:3031");
        assertFalse(v4.isUnix());
        assertEquals("127.0.0.1", v4.host());
        assertEquals(3031, v4.port());
        assertInstanceOf(Inet4Address.class, v4.toInetSocketAddress().getAddress());
        assertEquals("127.0.0.1:3031", v4.toString());

        ListenAddress all = ListenAddress.parse(":8080");
        assertTrue(all.isWildcard());
        assertEquals(8080, all.toInetSocketAddress().getPort());
        assertTrue(all.toInetSocketAddress().getAddress().isAnyLocalAddress());
        assertEquals(all, ListenAddress.parse("*:8080"));

        ListenAddress v6 = ListenAddress.parse("[::1]:3031");
        assertEquals("::1", v6.host());
        assertInstanceOf(Inet6Address.class, v6.toInetSocketAddress().getAddress());
        assertEquals("[::1]:3031", v6.toString());

        assertEquals("localhost", ListenAddress.parse("localhost:0").host());
        assertEquals(0, ListenAddress.parse("localhost:0").port());
    }

    @Test
    void unix_forms() {
        assertEquals(Path.of("/run/malt/app/shop.sock"), ListenAddress.parse("/run/malt/app/shop.sock").unixPath());
        assertEquals(Path.of("/run/x.sock"), ListenAddress.parse("unix:/run/x.sock").unixPath());
        assertEquals(Path.of("shop.sock"), ListenAddress.parse("shop.sock").unixPath());
        assertEquals(Path.of("/base/run/a:b"), ListenAddress.parse("run/a:b").resolveAgainst(Path.of("/base")).unixPath());
        assertTrue(ListenAddress.parse("/x.sock").isUnix());
        assertThrows(IllegalStateException.class, () -> ListenAddress.parse("/x.sock").port());
        assertThrows(IllegalStateException.class, () -> ListenAddress.parse(":1").unixPath());
    }

    @Test
    void errors_explain_the_notation() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("::1:80"))
                .getMessage().contains("[::1]:3031"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("h:70000"))
                .getMessage().contains("above 65535"));
    }
}
