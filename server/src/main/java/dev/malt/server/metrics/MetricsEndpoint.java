package dev.malt.server.metrics;

import dev.malt.server.config.ListenAddress;
import dev.malt.server.net.Listeners;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.TextFormatUtil;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code metrics = ADDR}: serves {@code GET /metrics} in the Prometheus text format (or OpenMetrics, as the
 * scraper's Accept header asks), gzipped when the scraper accepts it, over TCP or a unix socket. A standalone
 * master serves its app; the emperor serves every app it runs; both add the JVM meters of their own process.
 *
 * <p>Each scrape asks the apps for their families ({@link AppMetrics}), on a thread of its own so the event loop
 * never waits, and renders them through micrometer-registry-prometheus's registry.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    /** The path Prometheus scrapes by default ({@code metrics_path}). */
    public static final String PATH = "/metrics";
    /** How long a scrape waits for the apps' families before it answers 503. */
    static final long SOURCE_TIMEOUT_SECONDS = 10;
    /** Largest request accepted: a scrape is a GET with a few headers. */
    static final int MAX_REQUEST_BYTES = 16 * 1024;
    /** An idle keep-alive connection is closed after this long (Prometheus scrapes every 15 s or more often). */
    static final int IDLE_SECONDS = 300;

    private final Channel channel;
    private final ListenAddress address;
    private final PrometheusMeterRegistry registry;
    private final PrometheusMeterRegistry process;
    private final JvmMeters processMeters;
    private final ExecutorService scrapes;

    private MetricsEndpoint(Channel channel, ListenAddress address, PrometheusMeterRegistry registry,
                            PrometheusMeterRegistry process, JvmMeters processMeters, ExecutorService scrapes) {
        this.channel = channel;
        this.address = address;
        this.registry = registry;
        this.process = process;
        this.processMeters = processMeters;
        this.scrapes = scrapes;
    }

    /**
     * Listens on {@code address} (TCP, or a unix socket whose stale file is removed first).
     *
     * @param group         the event loop group of the server's channels
     * @param processLabels labels of this process's own JVM meters: {@code app=NAME, worker=master} for a
     *                      standalone master, {@code worker=emperor} for the emperor
     * @param apps          asked once per scrape for the families of every app; may complete on any thread
     * @throws IOException when the address cannot be bound (port in use, live unix socket, no permission)
     */
    public static MetricsEndpoint start(EventLoopGroup group, ListenAddress address, Labels processLabels,
                                        Supplier<CompletableFuture<List<MetricSnapshot>>> apps) throws IOException {
        PrometheusMeterRegistry process = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmMeters processMeters = new JvmMeters(process);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.getPrometheusRegistry().register((MultiCollector) () -> collect(process, processLabels, apps));
        ExecutorService scrapes = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "metrics-scrape");
            thread.setDaemon(true);
            return thread;
        });
        ExpositionFormats formats = ExpositionFormats.init();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS),
                                new HttpServerCodec(), new HttpContentCompressor(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new ScrapeHandler(registry, formats, scrapes));
                    }
                });
        SocketAddress bindTo = Listeners.prepare(bootstrap, address, "metrics");
        Channel channel;
        try {
            channel = bootstrap.bind(bindTo).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scrapes.shutdownNow();
            processMeters.close();
            throw new IOException("interrupted while binding metrics " + address, e);
        } catch (Exception e) {
            scrapes.shutdownNow();
            processMeters.close();
            throw new IOException("cannot bind metrics " + address + ": " + e.getMessage(), e);
        }
        LOG.info("Prometheus metrics on {} ({})", address, PATH);
        return new MetricsEndpoint(channel, address, registry, process, processMeters, scrapes);
    }

    /** This process's JVM meters and every app's families, one family per name. */
    private static MetricSnapshots collect(PrometheusMeterRegistry process, Labels processLabels,
                                           Supplier<CompletableFuture<List<MetricSnapshot>>> apps) {
        List<MetricSnapshot> all = new ArrayList<>(
                MetricsWire.decode(MetricsWire.encode(process.getPrometheusRegistry().scrape()), processLabels));
        try {
            all.addAll(apps.get().get(SOURCE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while collecting the apps' metrics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the apps' metrics did not come within " + SOURCE_TIMEOUT_SECONDS + " s: "
                    + e, e);
        }
        // Workers of several apps (and this process) have families of the same name: one each, for every format.
        return TextFormatUtil.mergeDuplicates(new MetricSnapshots(all));
    }

    /** The bound address: the real port when started on port 0, or the unix socket. */
    public SocketAddress localAddress() {
        return channel.localAddress();
    }

    /** Stops listening; a unix socket file is removed. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        scrapes.shutdownNow();
        processMeters.close();
        process.close();
        registry.close();
        LOG.debug("metrics on {} closed", address);
    }

    /** GET or HEAD /metrics: one scrape, rendered on the scrape thread, written back on the loop. */
    private static final class ScrapeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final PrometheusMeterRegistry registry;
        private final ExpositionFormats formats;
        private final ExecutorService scrapes;

        ScrapeHandler(PrometheusMeterRegistry registry, ExpositionFormats formats, ExecutorService scrapes) {
            this.registry = registry;
            this.formats = formats;
            this.scrapes = scrapes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            boolean head = HttpMethod.HEAD.equals(request.method());
            if (!head && !HttpMethod.GET.equals(request.method())) {
                FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n");
                response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                send(ctx, response, keepAlive);
                return;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            if (!PATH.equals(path)) {
                send(ctx, text(HttpResponseStatus.NOT_FOUND, "Malt serves its metrics at " + PATH + "\n"), keepAlive);
                return;
            }
            String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
            try {
                scrapes.execute(() -> {
                    FullHttpResponse response = scrape(ctx, accept, head);
                    ctx.executor().execute(() -> send(ctx, response, keepAlive));
                });
            } catch (RejectedExecutionException e) {
                send(ctx, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down\n"), false);
            }
        }

        private FullHttpResponse scrape(ChannelHandlerContext ctx, String accept, boolean head) {
            var body = ctx.alloc().buffer(64 * 1024);
            try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
                registry.scrape(out, accept);
            } catch (IOException | RuntimeException e) {
                body.release();
                LOG.warn("metrics scrape failed: {}", e.toString());
                return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "metrics not available now: " + e.getMessage() + "\n");
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, formats.findWriter(accept).getContentType());
            HttpUtil.setContentLength(response, body.readableBytes());
            if (head) {
                body.release();
            }
            return response;
        }

        private static FullHttpResponse text(HttpResponseStatus status, String message) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            return response;
        }

        private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            if (!ctx.channel().isActive()) {
                response.release();
                return;
            }
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("metrics connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
