package dev.malt.server.systemd;

import dev.malt.server.config.ListenAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Listening sockets passed by systemd ({@code sd_listen_fds(3)}): {@code LISTEN_FDS} descriptors from fd 3 on,
 * meant for this process when {@code LISTEN_PID} is its pid, with optional {@code LISTEN_FDNAMES}. A master
 * whose {@code socket} or {@code http-socket} has the address of one of them adopts it instead of binding, so
 * the socket unit's backlog, owner and mode apply, and connections that arrive while Malt starts or restarts
 * wait instead of being refused.
 *
 * <p>An adopted socket belongs to systemd: Malt never closes it (a restarted app adopts it again) and never
 * removes its file.
 */
public final class SocketActivation {

    private static final Logger LOG = LoggerFactory.getLogger(SocketActivation.class);

    /** {@code SD_LISTEN_FDS_START}: the first passed descriptor. */
    static final int FIRST_FD = 3;
    /** More than any socket unit passes; a larger LISTEN_FDS is a broken environment, not a reason to scan fds. */
    static final int MAX_FDS = 1024;

    /** One passed listening socket, with the address the kernel reports for it. */
    public record Inherited(int fd, String name, Kind kind, String unixPath, InetSocketAddress inet) {
        public enum Kind { UNIX, TCP, OTHER }

        @Override
        public String toString() {
            String where = switch (kind) {
                case UNIX -> unixPath;
                case TCP -> inet.getAddress().getHostAddress() + ":" + inet.getPort();
                case OTHER -> "not a listening stream socket";
            };
            return "fd " + fd + (name.isEmpty() ? "" : " (" + name + ")") + " " + where;
        }
    }

    private static volatile SocketActivation current;

    private final List<Inherited> sockets;
    private final Set<Integer> adopted = new HashSet<>();

    SocketActivation(List<Inherited> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    /** This process's passed sockets, read once from the environment; empty when systemd passed none. */
    public static SocketActivation current() {
        SocketActivation found = current;
        if (found == null) {
            synchronized (SocketActivation.class) {
                found = current;
                if (found == null) {
                    found = fromEnvironment(System.getenv(), ProcessHandle.current().pid(), SocketTable.system());
                    current = found;
                    if (!found.sockets.isEmpty()) {
                        LOG.info("systemd passed {} listening socket(s): {}", found.sockets.size(), found.sockets);
                    }
                }
            }
        }
        return found;
    }

    static SocketActivation fromEnvironment(Map<String, String> env, long pid, SocketTable table) {
        String count = env.get("LISTEN_FDS");
        if (count == null || count.isBlank()) {
            return new SocketActivation(List.of());
        }
        String forPid = env.getOrDefault("LISTEN_PID", "");
        if (!forPid.equals(Long.toString(pid))) {
            // Meant for another process (a parent that did not clear them): not ours to take.
            LOG.debug("LISTEN_FDS is set for pid {}, not for this process ({}); binding as usual", forPid, pid);
            return new SocketActivation(List.of());
        }
        int n;
        try {
            n = Integer.parseInt(count.trim());
        } catch (NumberFormatException e) {
            LOG.warn("LISTEN_FDS={} is not a number; ignoring the sockets systemd may have passed", count);
            return new SocketActivation(List.of());
        }
        if (n < 0 || n > MAX_FDS) {
            LOG.warn("LISTEN_FDS={} is out of range (0..{}); ignoring it", n, MAX_FDS);
            return new SocketActivation(List.of());
        }
        String[] names = env.getOrDefault("LISTEN_FDNAMES", "").split(":", -1);
        List<Inherited> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int fd = FIRST_FD + i;
            String name = i < names.length && names.length == n ? names[i] : "";
            sockets.add(table.describe(fd, name));
        }
        return new SocketActivation(sockets);
    }

    /** Every passed socket, in fd order. */
    public List<Inherited> sockets() {
        return sockets;
    }

    /**
     * Takes the passed socket listening on {@code address}, if there is one and nobody took it yet. A wildcard
     * {@code :port} matches a socket on 0.0.0.0 or [::] with that port; a unix path matches the same path.
     */
    public synchronized Optional<Inherited> adopt(ListenAddress address) {
        for (Inherited socket : sockets) {
            if (!adopted.contains(socket.fd()) && matches(socket, address)) {
                adopted.add(socket.fd());
                return Optional.of(socket);
            }
        }
        return Optional.empty();
    }

    /** Gives back an adopted socket when its app stops, for the app's next start to take again. */
    public synchronized void release(int fd) {
        adopted.remove(fd);
    }

    /** Whether {@code address} is one of the passed sockets (adopted or not): its file is systemd's. */
    public boolean isPassed(ListenAddress address) {
        return sockets.stream().anyMatch(s -> matches(s, address));
    }

    /** Passed sockets no app has adopted: named in the log, so a typo in a socket unit shows. */
    public synchronized List<Inherited> unadopted() {
        return sockets.stream().filter(s -> !adopted.contains(s.fd())).toList();
    }

    static boolean matches(Inherited socket, ListenAddress address) {
        if (address.isUnix()) {
            return socket.kind() == Inherited.Kind.UNIX
                    && Path.of(socket.unixPath()).normalize().equals(address.unixPath().toAbsolutePath().normalize());
        }
        if (socket.kind() != Inherited.Kind.TCP || socket.inet().getPort() != address.port()) {
            return false;
        }
        InetAddress bound = socket.inet().getAddress();
        if (address.isWildcard()) {
            return bound.isAnyLocalAddress();
        }
        try {
            InetAddress wanted = address.toInetSocketAddress().getAddress();
            // The JDK turns ::ffff:a.b.c.d from a tcp6 table into a.b.c.d, so IPv4 compares equal either way.
            return bound.equals(wanted);
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
