package dev.malt.server.systemd;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Tells systemd how the service is doing, as {@code sd_notify(3)} does: datagrams of {@code KEY=VALUE} lines
 * to the unix socket named by {@code $NOTIFY_SOCKET} ({@code Type=notify}). The JDK cannot send unix datagrams,
 * so this goes through Netty's native socket (already loaded for epoll). An address starting with {@code @} is
 * in the abstract namespace. Without {@code $NOTIFY_SOCKET} (not started by systemd) every call does nothing.
 */
public final class ServiceNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceNotifier.class);

    /** The longest STATUS= text sent; systemd shows one line of it in {@code systemctl status}. */
    static final int MAX_STATUS_CHARS = 512;

    private static final ServiceNotifier NONE = new ServiceNotifier(null);

    private final byte[] address;
    private boolean warned;

    private ServiceNotifier(byte[] address) {
        this.address = address;
    }

    /** The notifier for this process: {@code $NOTIFY_SOCKET}, or one that does nothing. */
    public static ServiceNotifier fromEnvironment() {
        return forSocket(Optional.ofNullable(System.getenv("NOTIFY_SOCKET")));
    }

    static ServiceNotifier forSocket(Optional<String> socket) {
        if (socket.isEmpty() || socket.get().isEmpty()) {
            return NONE;
        }
        String path = socket.get();
        if (!path.startsWith("/") && !path.startsWith("@")) {
            // systemd only ever passes absolute or abstract addresses; vsock: needs more than Netty has.
            LOG.warn("NOTIFY_SOCKET={} is neither a path nor an @abstract address; systemd will not hear from Malt",
                    path);
            return NONE;
        }
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (path.startsWith("@")) {
            bytes[0] = 0;
        }
        if (bytes.length > Socket.UDS_SUN_PATH_SIZE) {
            LOG.warn("NOTIFY_SOCKET={} is longer than a unix socket address may be; systemd will not hear from Malt",
                    path);
            return NONE;
        }
        return new ServiceNotifier(bytes);
    }

    /** Whether systemd listens (the service runs with {@code Type=notify}). */
    public boolean enabled() {
        return address != null;
    }

    /** Every app is up: {@code READY=1}, the main pid and a status line. */
    public void ready(String status) {
        send(Map.of("READY", "1", "MAINPID", Long.toString(ProcessHandle.current().pid()), "STATUS", status));
    }

    /**
     * A reload begins. systemd 253 and later want the {@code CLOCK_MONOTONIC} time with it; the JVM's
     * {@link System#nanoTime()} reads that clock on Linux.
     */
    public void reloading(String status) {
        send(Map.of("RELOADING", "1", "MONOTONIC_USEC", Long.toString(System.nanoTime() / 1000), "STATUS", status));
    }

    public void stopping(String status) {
        send(Map.of("STOPPING", "1", "STATUS", status));
    }

    public void status(String status) {
        send(Map.of("STATUS", status));
    }

    /** Sends one datagram; a failure is logged once and never stops Malt. */
    synchronized void send(Map<String, String> fields) {
        if (address == null) {
            return;
        }
        byte[] message = encode(fields).getBytes(StandardCharsets.UTF_8);
        Socket socket = null;
        try {
            Epoll.ensureAvailability();
            socket = Socket.newSocketDomainDgram();
            ByteBuffer buffer = ByteBuffer.allocateDirect(message.length);
            buffer.put(message).flip();
            socket.sendToDomainSocket(buffer, 0, message.length, address);
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot tell systemd ({}) that {}: {}", System.getenv("NOTIFY_SOCKET"),
                        fields.keySet(), e.getMessage());
            }
        } finally {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // a datagram socket that never connected has nothing to flush
                }
            }
        }
    }

    /** {@code KEY=VALUE} lines, in a fixed order (state first, STATUS last) so logs and tests read alike. */
    static String encode(Map<String, String> fields) {
        StringBuilder text = new StringBuilder();
        for (String key : new String[] {"READY", "RELOADING", "STOPPING", "MONOTONIC_USEC", "MAINPID", "STATUS"}) {
            String value = fields.get(key);
            if (value != null) {
                text.append(key).append('=').append(oneLine(value)).append('\n');
            }
        }
        return text.toString();
    }

    private static String oneLine(String value) {
        String line = value.replace('\n', ' ');
        return line.length() > MAX_STATUS_CHARS ? line.substring(0, MAX_STATUS_CHARS - 3) + "..." : line;
    }
}
