package dev.malt.server.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands requests from the event loops to the app executor, so app code never runs on an event loop,
 * and keeps the worker's request counters.
 */
final class AppDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(AppDispatcher.class);

    private final ExchangeHandler handler;
    private final ExecutorService executor;
    private final RequestLog requestLog;
    private final WorkerStats stats;
    /** Requests queued for or running on an app thread: what saturation counts. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Requests on an app thread right now (an async request whose thread returned is not). */
    private final AtomicInteger onThreads = new AtomicInteger();
    /** Requests whose response has not ended: what a drain waits for. */
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong requestNumbers = new AtomicLong();
    private final Object idle = new Object();
    /** Requests on app threads now, for harakiri: the master kills a worker whose oldest runs too long. */
    private final java.util.Set<ChannelExchange> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Connections handed to an upgrade handler, until the servlet layer released them (the handler's
     * destroy() returned). Their HTTP request ended with the 101; a stopping worker closes them at the end
     * of its mercy period and waits for their release.
     */
    private final java.util.Set<UpgradedChannel> upgraded = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Told when every app thread is taken (true) and when one is free again (false). */
    interface SaturationListener {
        void saturated(boolean saturated);
    }

    /**
     * Requests queued or running at which the worker stops accepting: its app threads, or twice that when it
     * serves static files. Static files never take a thread, but a worker that stops accepting stops serving
     * them too; so it goes on accepting while up to {@code capacity} more app requests (its thread count) wait for a thread.
     */
    private final int acceptLimit;
    private final SaturationListener saturation;
    /** The app's static-map files, served on the event loop; null when it has none. */
    private final StaticFiles statics;

    /**
     * @param capacity requests this worker runs at once (its app threads); at that many it stops
     *                 accepting, so the listen queue goes to a worker with a free thread instead of
     *                 waiting here behind busy ones. {@code Integer.MAX_VALUE} never stops.
     */
    AppDispatcher(ExchangeHandler handler, ExecutorService executor, RequestLog requestLog, WorkerStats stats,
                  int capacity, SaturationListener saturation) {
        this(handler, executor, requestLog, stats, capacity, saturation, null);
    }

    AppDispatcher(ExchangeHandler handler, ExecutorService executor, RequestLog requestLog, WorkerStats stats,
                  int capacity, SaturationListener saturation, StaticFiles statics) {
        this.handler = handler;
        this.executor = executor;
        this.requestLog = requestLog;
        this.stats = stats;
        this.acceptLimit = statics == null ? capacity : (int) Math.min(Integer.MAX_VALUE, 2L * capacity);
        this.saturation = saturation;
        this.statics = statics;
    }

    /** On the event loop: a static-map file is answered right there, anything else goes to an app thread. */
    void dispatch(ChannelExchange exchange) {
        if (statics != null && statics.wants(exchange.vars())) {
            // a task of its own, as an app thread's response would be: the connection handler has finished
            // with this read before the response completes
            exchange.channel().eventLoop().execute(() -> serveStatic(exchange));
            return;
        }
        dispatchToApp(exchange);
    }

    private void serveStatic(ChannelExchange exchange) {
        open.incrementAndGet();
        exchange.onEnd(() -> ended(exchange));
        exchange.setNumber(requestNumbers.incrementAndGet());
        boolean served;
        try {
            served = statics.serve(exchange);
        } catch (IOException | RuntimeException e) {
            LOG.debug("static file for {} failed: {}", exchange.vars().get("REQUEST_URI"), e.toString());
            exchange.abort(e);
            return;
        }
        if (!served) {
            open.decrementAndGet(); // counted again, once, on the app's side
            dispatchToApp(exchange);
        }
    }

    private void dispatchToApp(ChannelExchange exchange) {
        open.incrementAndGet();
        exchange.onEnd(() -> ended(exchange));
        if (inFlight.incrementAndGet() == acceptLimit) {
            saturation.saturated(true);
            stats.saturated();
        }
        long queuedAt = System.nanoTime();
        try {
            executor.execute(() -> run(exchange, queuedAt));
        } catch (RejectedExecutionException e) {
            LOG.warn("request rejected: the worker is shutting down");
            try {
                exchange.writeHead(503, null, List.of(java.util.Map.entry("Retry-After", "1")), 0);
                exchange.finish();
            } catch (IOException | RuntimeException ignored) {
                exchange.abort(ignored);
            }
            threadDone();
        }
    }

    private void run(ChannelExchange exchange, long queuedAt) {
        stats.queued(System.nanoTime() - queuedAt);
        onThreads.incrementAndGet();
        exchange.setNumber(requestNumbers.incrementAndGet());
        running.add(exchange);
        try {
            handler.handle(exchange);
            if (!exchange.isDetached()) {
                exchange.finish();
            }
        } catch (Throwable t) {
            LOG.error("request {} {} failed outside the app", exchange.vars().get("REQUEST_METHOD"),
                    exchange.vars().get("REQUEST_URI"), t);
            exchange.abort(t);
            stats.exception();
        } finally {
            onThreads.decrementAndGet();
            threadDone();
        }
    }

    /** The response ended (maybe long after its thread returned, for an async request). */
    private void ended(ChannelExchange exchange) {
        running.remove(exchange);
        stats.requestDone(exchange.status(), exchange.bodyBytes(), exchange.elapsedNanos());
        requestLog.log(exchange, exchange.number());
        if (open.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** An app thread is free again; an async request waiting for an event does not hold one. */
    private void threadDone() {
        int left = inFlight.decrementAndGet();
        if (left == acceptLimit - 1) {
            saturation.saturated(false);
        }
    }

    /** The longest-running request now, or null. */
    ChannelExchange oldestRunning() {
        ChannelExchange oldest = null;
        for (ChannelExchange exchange : running) {
            if (oldest == null || exchange.elapsedNanos() > oldest.elapsedNanos()) {
                oldest = exchange;
            }
        }
        return oldest;
    }

    int running() {
        return running.size();
    }

    /** App threads running a request now. */
    int busyThreads() {
        return onThreads.get();
    }

    /** Requests handed to the app executor that no app thread has taken yet. */
    int waitingForThread() {
        return Math.max(0, inFlight.get() - onThreads.get());
    }

    /** Whether the worker should stop accepting: see {@link #acceptLimit}. */
    boolean isSaturated() {
        return inFlight.get() >= acceptLimit;
    }

    int inFlight() {
        return open.get();
    }

    void upgradeStarted(UpgradedChannel connection) {
        upgraded.add(connection);
    }

    void upgradeReleased(UpgradedChannel connection) {
        if (upgraded.remove(connection) && upgraded.isEmpty()) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    int upgradedConnections() {
        return upgraded.size();
    }

    /**
     * Closes every upgraded connection and waits until their handlers are destroyed, or the deadline passes;
     * returns whether all were.
     */
    boolean closeUpgraded(long deadlineNanos) throws InterruptedException {
        for (UpgradedChannel connection : upgraded) {
            connection.closeNow();
        }
        synchronized (idle) {
            while (!upgraded.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Waits until no request is open, or the deadline passes; returns whether all finished. */
    boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        synchronized (idle) {
            while (open.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
