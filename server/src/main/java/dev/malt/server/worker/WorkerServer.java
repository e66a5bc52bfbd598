package dev.malt.server.worker;

import dev.malt.protocol.UwsgiDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import dev.malt.server.logging.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's network side: accepts on the listening sockets, decodes uwsgi or HTTP, and dispatches
 * each request to the app executor.
 */
public final class WorkerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerServer.class);
    private static final RateLimitedLog CAP_REACHED = new RateLimitedLog(LOG, "max-connections reached");

    /** How long a keep-alive connection on the HTTP socket may sit idle between requests. */
    static final int HTTP_KEEPALIVE_IDLE_SECONDS = 60;
    /**
     * After the mercy period, how long a stop waits for the destroy() of the upgrade handlers whose
     * connections it closed. Well under the master's own grace before it kills a stopping worker.
     */
    static final long UPGRADE_DESTROY_GRACE_MILLIS = 500;

    /**
     * One event loop accepts and serves its connections: no hand-off between threads per connection,
     * which matters when the uwsgi protocol opens one connection per request. A worker scales by
     * processes, as in uWSGI; its app threads do the blocking work.
     */
    private final EventLoopGroup ioGroup;
    private final ExecutorService appExecutor;
    private final AppDispatcher dispatcher;
    private final WorkerStats stats;
    /** Counts each connection's bytes into the meters; null without meters. */
    private final TrafficCounter traffic;
    private final List<Channel> serverChannels = new ArrayList<>();
    /**
     * Every accepted connection until it closes. Draining waits for these, not only for dispatched
     * requests: a connection accepted a moment before the stop, whose request is still on its way,
     * must be answered too.
     */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** Accepted and not yet closed, over all listeners; counted on the accept itself, so the cap is exact. */
    private final AtomicInteger openConnections = new AtomicInteger();
    private final int maxConnections;

    /**
     * Tuning a worker needs from its app's config.
     *
     * @param workerId   1-based, for logs
     * @param threads    app threads; ignored when {@code virtualThreads}
     * @param bufferSize largest request header block ({@code buffer-size})
     * @param maxVars    most vars in one uwsgi request ({@code max-vars})
     * @param requestLog whether to write one line per request
     * @param socketTimeoutMillis how long a response write waits for a client that does not read, and a read
     *                   for a request head or body bytes ({@link StalledReadGuard})
     * @param maxConnections open connections at which the worker stops accepting ({@code max-connections})
     */
    public record Settings(int workerId, int threads, boolean virtualThreads, int bufferSize, int maxVars,
                           boolean requestLog, long socketTimeoutMillis, int maxConnections) {

        /** Default for {@code max-connections}: far above what a worker's threads serve, far below its descriptors. */
        public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

        public Settings {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
            }
        }

        /** With {@link #DEFAULT_MAX_CONNECTIONS}. */
        public Settings(int workerId, int threads, boolean virtualThreads, int bufferSize, int maxVars,
                        boolean requestLog, long socketTimeoutMillis) {
            this(workerId, threads, virtualThreads, bufferSize, maxVars, requestLog, socketTimeoutMillis,
                    DEFAULT_MAX_CONNECTIONS);
        }
    }

    private WorkerServer(Settings settings, ExchangeHandler handler, ExecutorService executor, StaticFiles statics,
                         dev.malt.server.metrics.WorkerMeters meters) {
        this.stats = new WorkerStats(meters);
        this.traffic = meters == null ? null : new TrafficCounter(meters);
        boolean epoll = Epoll.isAvailable();
        var factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.ioGroup = new MultiThreadIoEventLoopGroup(1, factory);
        this.maxConnections = settings.maxConnections();
        // counts of rate-limited log lines are written even when the events that caused them stop
        ioGroup.scheduleAtFixedRate(RateLimitedLog::reportAllDue, 5, 5, TimeUnit.SECONDS);
        this.appExecutor = executor != null ? executor : appExecutor(settings);
        this.dispatcher = new AppDispatcher(handler, appExecutor,
                new RequestLog(ProcessHandle.current().pid(), settings.workerId(), settings.requestLog()), stats,
                settings.virtualThreads() ? Integer.MAX_VALUE : settings.threads(), this::pauseAccepting, statics);
    }

    /** The app threads for these settings: {@code threads = N} platform threads, or virtual threads. */
    public static ExecutorService appExecutor(Settings settings) {
        return settings.virtualThreads() ? AppExecutors.virtual() : AppExecutors.fixed(settings.threads());
    }

    /** Descriptors a worker keeps for what is not a client connection: jars, files, the app's own sockets. */
    static final int RESERVED_DESCRIPTORS = 512;

    /**
     * {@code max-connections} lowered, with a log line, when this process's descriptor limit
     * ({@code ulimit -n}) could not hold that many connections and still open files.
     */
    public static int fitToDescriptorLimit(int maxConnections) {
        if (!(java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix)) {
            return maxConnections;
        }
        long limit = unix.getMaxFileDescriptorCount();
        long fits = Math.max(16, limit - RESERVED_DESCRIPTORS);
        if (maxConnections <= fits) {
            return maxConnections;
        }
        LOG.warn("max-connections = {} does not fit the descriptor limit of {} (ulimit -n); using {}. Raise the"
                + " limit (LimitNOFILE= in systemd) to allow more", maxConnections, limit, fits);
        return (int) fits;
    }

    /** Starts accepting on every listener. On failure everything started so far is closed. */
    public static WorkerServer start(Settings settings, List<WorkerListener> listeners, ExchangeHandler handler)
            throws InterruptedException {
        return start(settings, listeners, handler, null);
    }

    /**
     * As above, with the app threads given: the servlet host shares them for async work. The server
     * shuts them down when it closes.
     */
    public static WorkerServer start(Settings settings, List<WorkerListener> listeners, ExchangeHandler handler,
                                     ExecutorService executor) throws InterruptedException {
        return start(settings, listeners, handler, executor, null);
    }

    /** As above, serving {@code statics} (the app's static-map files; null for none) on the event loop. */
    static WorkerServer start(Settings settings, List<WorkerListener> listeners, ExchangeHandler handler,
                              ExecutorService executor, StaticFiles statics) throws InterruptedException {
        return start(settings, listeners, handler, executor, statics, null);
    }

    /** As above, updating {@code meters} (null for none) on the request path; see {@link #bindGauges}. */
    static WorkerServer start(Settings settings, List<WorkerListener> listeners, ExchangeHandler handler,
                              ExecutorService executor, StaticFiles statics,
                              dev.malt.server.metrics.WorkerMeters meters) throws InterruptedException {
        WorkerServer server = new WorkerServer(settings, handler, executor, statics, meters);
        try {
            for (WorkerListener listener : listeners) {
                server.serverChannels.add(server.listen(settings, listener));
            }
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private Channel listen(Settings settings, WorkerListener listener) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(ioGroup)
                .handler(connectionCap)
                // Reads happen only when a request wants them: back-pressure for bodies, one request at a time.
                // Half-closure stays off: a peer that shuts its output is treated as gone (nginx never does).
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (traffic != null) {
                            ch.pipeline().addLast(traffic); // first: it sees the bytes as the socket does
                        }
                        connections.add(ch);
                        // first, so it sees every read the decoders and handlers ask for
                        ch.pipeline().addLast(new StalledReadGuard(settings.socketTimeoutMillis(), listener.name()));
                        if (listener.protocol() == WorkerListener.Protocol.UWSGI) {
                            ch.pipeline().addLast(new UwsgiDecoder(settings.bufferSize(), settings.maxVars()),
                                    new UwsgiServerHandler(dispatcher, listener.name(), settings.socketTimeoutMillis()));
                        } else {
                            ch.pipeline().addLast(
                                    new IdleStateHandler(HTTP_KEEPALIVE_IDLE_SECONDS, 0, 0, TimeUnit.SECONDS),
                                    new UpgradeAwareRequestDecoder(new HttpDecoderConfig()
                                            .setMaxInitialLineLength(8192)
                                            .setMaxHeaderSize(settings.bufferSize())
                                            .setMaxChunkSize(64 * 1024)),
                                    new HttpServerHandler(dispatcher, listener.name(), settings.socketTimeoutMillis()));
                        }
                    }
                });
        ChannelFuture future;
        if (listener.descriptor() != null) {
            int fd = listener.descriptor().intValue();
            bootstrap.channelFactory(() -> listener.unix()
                    ? new EpollServerDomainSocketChannel(fd, true)
                    : new EpollServerSocketChannel(fd));
            future = bootstrap.register();
        } else {
            bootstrap.channelFactory(() -> serverChannelFor(listener));
            future = bootstrap.bind(listener.bindAddress());
        }
        future.sync();
        LOG.debug("accepting on {} ({})", listener.name(), listener.protocol());
        return future.channel();
    }

    private static ServerChannel serverChannelFor(WorkerListener listener) {
        if (Epoll.isAvailable()) {
            return listener.unix() ? new EpollServerDomainSocketChannel() : new EpollServerSocketChannel();
        }
        if (listener.unix()) {
            throw new IllegalStateException("unix sockets need Linux epoll; use a TCP socket on this platform");
        }
        return new NioServerSocketChannel();
    }

    /**
     * Calls come from the loop and from app threads in any order, so each one only schedules a look at
     * the current count on the listener's loop; the last look wins and always sees the truth.
     */
    private void pauseAccepting(boolean ignoredHint) {
        for (Channel channel : serverChannels) {
            channel.eventLoop().execute(() -> channel.config().setAutoRead(shouldAccept()));
        }
    }

    /** Whether to accept now: an app thread is free (or soon will be) and the connection cap is not reached. */
    private boolean shouldAccept() {
        return !dispatcher.isSaturated() && openConnections.get() < maxConnections;
    }

    /**
     * Counts each accepted connection as the listener hands it on. At the cap, every listener stops
     * accepting at once (the accept loop checks auto-read after each connection), so further connections
     * wait in the kernel's backlog, where another worker can take them, instead of being accepted and closed.
     */
    @ChannelHandler.Sharable
    private final class ConnectionCap extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                int open = openConnections.incrementAndGet();
                child.closeFuture().addListener(f -> connectionClosed());
                if (open >= maxConnections) {
                    for (Channel server : serverChannels) {
                        server.config().setAutoRead(false); // all listeners share this one event loop
                    }
                    ctx.channel().config().setAutoRead(false); // may not be in serverChannels yet
                    CAP_REACHED.warn("max-connections = {} reached: not accepting until a connection closes; new"
                            + " connections wait in the listen queue for this or another worker", maxConnections);
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    private final ConnectionCap connectionCap = new ConnectionCap();

    private void connectionClosed() {
        if (openConnections.decrementAndGet() == maxConnections - 1) {
            pauseAccepting(false);
        }
    }

    /**
     * Stops accepting new connections. Only this worker's copies of the listening sockets close; the
     * master and other workers keep theirs, so nothing waiting in the backlog is refused.
     */
    public void stopAccepting() {
        for (Channel channel : serverChannels) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * After {@link #stopAccepting()}: lets every accepted connection finish, up to {@code timeoutMillis}.
     * Idle keep-alive connections are closed; busy ones close after their response. Upgraded connections
     * (WebSocket and the like) may run until the end of the period; then they are closed and their
     * handlers destroyed. Returns whether all connections ended in time.
     */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Channel connection : connections) {
            connection.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
        }
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        boolean ended = dispatcher.awaitIdle(deadline) && connections.isEmpty();
        int upgraded = dispatcher.upgradedConnections();
        if (upgraded > 0) {
            if (!ended) {
                LOG.info("closing {} upgraded connection(s) at the end of the mercy period", upgraded);
            }
            // before the app threads stop: the handlers' destroy() runs on them
            if (!dispatcher.closeUpgraded(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(UPGRADE_DESTROY_GRACE_MILLIS))) {
                LOG.warn("{} upgrade handler(s) not destroyed within {} ms of their connection closing",
                        dispatcher.upgradedConnections(), UPGRADE_DESTROY_GRACE_MILLIS);
            }
        }
        return ended;
    }

    /** Open connections now; for the stop log. */
    public int openConnections() {
        return openConnections.get();
    }

    public int inFlight() {
        return dispatcher.inFlight();
    }

    public long requests() {
        return stats.requests();
    }

    public long exceptions() {
        return stats.exceptions();
    }

    public long txBytes() {
        return stats.txBytes();
    }

    public long averageResponseMicros() {
        return stats.averageMicros();
    }

    /** Counters and the oldest running request, as the master's heartbeat expects them. */
    public java.util.Map<String, String> heartbeatFields() {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("requests", Long.toString(stats.requests()));
        fields.put("exceptions", Long.toString(stats.exceptions()));
        fields.put("tx", Long.toString(stats.txBytes()));
        fields.put("avg_rt", Long.toString(stats.averageMicros()));
        fields.put("busy", Integer.toString(dispatcher.running()));
        ChannelExchange oldest = dispatcher.oldestRunning();
        if (oldest != null) {
            fields.put("oldest", Long.toString(TimeUnit.NANOSECONDS.toMillis(oldest.elapsedNanos())));
            fields.put("oldest_uri", oldest.vars().get("REQUEST_METHOD", "-") + " " + oldest.vars().get("REQUEST_URI", "-"));
        }
        return fields;
    }

    /**
     * The gauges of {@code meters} that read this server: requests open, app threads busy, requests waiting for
     * one, and exceptions (the app's, from {@code appExceptions}, and those outside it).
     */
    void bindGauges(dev.malt.server.metrics.WorkerMeters meters, java.util.function.LongSupplier appExceptions) {
        meters.bind(new dev.malt.server.metrics.WorkerMeters.Gauges() {
            @Override
            public int requestsActive() {
                return dispatcher.inFlight();
            }

            @Override
            public int threadsBusy() {
                return dispatcher.busyThreads();
            }

            @Override
            public int requestsQueued() {
                return dispatcher.waitingForThread();
            }

            @Override
            public long exceptions() {
                return appExceptions.getAsLong() + stats.exceptions();
            }
        });
    }

    /** Counts an exception the app threw, for the stats server. */
    public void countException() {
        stats.exception();
    }

    /** The local addresses actually listened on (useful when binding port 0). */
    public List<java.net.SocketAddress> localAddresses() {
        List<java.net.SocketAddress> addresses = new ArrayList<>();
        for (Channel channel : serverChannels) {
            addresses.add(channel.localAddress());
        }
        return addresses;
    }

    @Override
    public void close() {
        stopAccepting();
        appExecutor.shutdownNow();
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
