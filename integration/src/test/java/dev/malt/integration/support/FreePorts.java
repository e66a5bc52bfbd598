package dev.malt.integration.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free TCP ports on 127.0.0.1. A port is free when it is handed out, not reserved: whoever gets it must
 * bind it soon. The same port is never handed out twice by this JVM.
 */
public final class FreePorts {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    public static synchronized int next() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no new free port on 127.0.0.1 after 50 attempts");
    }
}
