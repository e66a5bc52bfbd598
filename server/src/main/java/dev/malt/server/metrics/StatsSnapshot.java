package dev.malt.server.metrics;

import dev.malt.server.status.MasterStatus;

import java.util.List;
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
 */
public record StatsSnapshot(MasterStatus master, List<Socket> sockets, long listenQueue, long listenQueueErrors,
                            dev.malt.server.cache.CacheStats cache) {

    public StatsSnapshot {
        Objects.requireNonNull(master, "master");
        sockets = List.copyOf(sockets);
    }

    /** An app without a response cache. */
    public StatsSnapshot(MasterStatus master, List<Socket> sockets, long listenQueue, long listenQueueErrors) {
        this(master, sockets, listenQueue, listenQueueErrors, null);
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
