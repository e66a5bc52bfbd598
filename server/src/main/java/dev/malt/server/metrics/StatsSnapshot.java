package dev.malt.server.metrics;

import dev.malt.server.status.MasterStatus;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the stats server renders for one read: the master's status plus what only the master's listening sockets
 * know.
 *
 * @param master            the master and its workers
 * @param sockets           the app's listening sockets, in configuration order
 * @param listenQueue       connections waiting in the fullest listen queue right now (uWSGI's {@code listen_queue})
 * @param listenQueueErrors how many times a listen queue was seen full (uWSGI's {@code listen_queue_errors})
 * @param cache             the app's response cache counters, or null when it caches nothing
 * @param details           what the master knows of a worker beyond its status, by pid; a worker may be missing
 */
public record StatsSnapshot(MasterStatus master, List<Socket> sockets, long listenQueue, long listenQueueErrors,
                            dev.malt.server.cache.CacheStats cache, Map<Long, WorkerDetail> details) {

    public StatsSnapshot {
        Objects.requireNonNull(master, "master");
        sockets = List.copyOf(sockets);
        details = Map.copyOf(details);
    }

    /** Without worker details. */
    public StatsSnapshot(MasterStatus master, List<Socket> sockets, long listenQueue, long listenQueueErrors,
                         dev.malt.server.cache.CacheStats cache) {
        this(master, sockets, listenQueue, listenQueueErrors, cache, Map.of());
    }

    /** An app without a response cache. */
    public StatsSnapshot(MasterStatus master, List<Socket> sockets, long listenQueue, long listenQueueErrors) {
        this(master, sockets, listenQueue, listenQueueErrors, null);
    }

    /** A worker's details, or empty ones (unknown PSS, no latencies) when the master has none. */
    public WorkerDetail detail(long pid) {
        return details.getOrDefault(pid, WorkerDetail.UNKNOWN);
    }

    /**
     * What the master reads of a worker besides its status.
     *
     * @param pssBytes its proportional set size from /proc (its share of memory shared with other processes), or
     *                 -1 when unknown
     * @param latency  the latencies of its requests since it started, from its meters; null when it sent none
     *                 ({@code metrics-enabled = false}, or not yet)
     */
    public record WorkerDetail(long pssBytes, LatencyHistogram latency) {
        public static final WorkerDetail UNKNOWN = new WorkerDetail(-1, null);
    }

    /**
     * One listening socket.
     *
     * @param name     the address as configured, e.g. {@code 127.0.0.1:3031} or {@code /run/malt/app/shop.sock}
     * @param proto    {@code "uwsgi"} or {@code "http"}
     * @param queue    connections waiting to be accepted right now
     * @param maxQueue the backlog ({@code listen})
     */
    public record Socket(String name, String proto, long queue, long maxQueue) {
        public Socket {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(proto, "proto");
        }
    }
}
