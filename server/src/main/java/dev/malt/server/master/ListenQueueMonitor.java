package dev.malt.server.master;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches how many connections wait in each TCP listen queue (accepted by the kernel, not yet by a
 * worker), from /proc/net/tcp and tcp6: for a listening socket, rx_queue is the current queue. The
 * limit is the backlog asked for, capped by net.core.somaxconn as the kernel caps it. A full queue means the kernel drops new connections, so it is logged (at most
 * every {@link #LOG_INTERVAL_MILLIS}) and counted for the stats' {@code listen_queue_errors}.
 * Unix sockets do not show their queue there; they report 0.
 */
final class ListenQueueMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(ListenQueueMonitor.class);
    static final long LOG_INTERVAL_MILLIS = 10_000;

    /** Queue and limit of one socket at the last check. */
    record Queue(int length, int limit) {
    }

    private final String appName;
    private final int limit;
    private final Map<String, Long> inodes = new HashMap<>();
    private final Map<String, Queue> latest = new HashMap<>();
    private long fullEvents;
    private long lastLog;
    /** No table is read before this time ({@link System#nanoTime()}); 0 before the first read. */
    private long skipUntil;

    ListenQueueMonitor(String appName, List<ListenSockets.Bound> sockets, int backlog) {
        this.appName = appName;
        this.limit = Math.min(backlog, somaxconn().orElse(backlog));
        for (ListenSockets.Bound socket : sockets) {
            if (!socket.spec().address().isUnix()) {
                long inode = inode(socket.descriptor().intValue());
                if (inode > 0) {
                    inodes.put(socket.name(), inode);
                }
            }
        }
    }

    static long inode(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (target.startsWith("socket:[")) {
                return Long.parseLong(target.substring(8, target.length() - 1));
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux, or the fd is gone
        }
        return -1;
    }

    /**
     * Reads the queues; call about once a second. The tables list every TCP socket of the host, and a frontend
     * that opens a connection per request leaves tens of thousands in TIME_WAIT: a read that took long puts the
     * next ones off, so that the master never spends more than about 2 % of a core here.
     */
    synchronized void check() {
        if (inodes.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        if (skipUntil != 0 && started - skipUntil < 0) {
            return;
        }
        Map<Long, Queue> byInode = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (java.io.BufferedReader reader = Files.newBufferedReader(Path.of(table))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode; st 0A = LISTEN, the only
                    // two-character field: most lines are skipped without being split
                    if (line.indexOf(" 0A ") < 0) {
                        continue;
                    }
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && "0A".equals(f[3])) {
                        String[] queues = f[4].split(":");
                        byInode.put(Long.parseLong(f[9]), new Queue(Integer.parseInt(queues[1], 16), limit));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // table absent (no IPv6) or unreadable
            }
        }
        long took = System.nanoTime() - started;
        skipUntil = started + took * 50 | 1;
        long now = System.nanoTime() / 1_000_000;
        for (Map.Entry<String, Long> socket : inodes.entrySet()) {
            Queue queue = byInode.get(socket.getValue());
            if (queue == null) {
                continue;
            }
            latest.put(socket.getKey(), queue);
            if (queue.limit() > 0 && queue.length() >= queue.limit()) {
                fullEvents++;
                if (now - lastLog >= LOG_INTERVAL_MILLIS) {
                    lastLog = now;
                    LOG.warn("listen queue of {} ({}) is full: {}/{} connections wait and new ones are dropped; "
                                    + "add workers or threads, or raise 'listen' (and net.core.somaxconn)",
                            socket.getKey(), appName, queue.length(), queue.limit());
                }
            }
        }
    }

    synchronized Queue queue(String socketName) {
        return latest.getOrDefault(socketName, new Queue(0, 0));
    }

    synchronized long fullEvents() {
        return fullEvents;
    }

    /** Warns when {@code listen} exceeds what the kernel grants, as uWSGI does. */
    static void warnAboveSomaxconn(int backlog) {
        somaxconn().filter(max -> backlog > max).ifPresent(max -> LOG.warn(
                "listen = {} is above net.core.somaxconn = {}: the kernel caps the backlog at {}. "
                        + "Raise it with: sysctl -w net.core.somaxconn={}", backlog, max, max, backlog));
    }

    static java.util.Optional<Integer> somaxconn() {
        try {
            // readString trusts the size procfs reports and can return a truncated value; read lines.
            return java.util.Optional.of(Integer.parseInt(
                    Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty(); // not Linux
        }
    }
}
