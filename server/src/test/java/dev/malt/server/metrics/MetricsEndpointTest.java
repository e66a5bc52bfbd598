package dev.malt.server.metrics;

import dev.malt.server.config.ListenAddress;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class MetricsEndpointTest {

    private static EventLoopGroup group;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Two apps of two workers each, every worker with its report, as the emperor collects them. */
    private static Supplier<CompletableFuture<List<MetricSnapshot>>> twoApps() {
        return () -> CompletableFuture.supplyAsync(() -> {
            List<MetricSnapshot> all = new ArrayList<>();
            for (String name : List.of("shop", "blog")) {
                AppMetrics app = new AppMetrics(name);
                try (WorkerMeters meters = new WorkerMeters(4)) {
                    meters.requestEnded(200, TimeUnit.MILLISECONDS.toNanos(2));
                    app.report(101, meters.report());
                    app.report(102, meters.report());
                }
                all.addAll(app.snapshots(Snapshots.twoWorkers(1, 1)));
            }
            return all;
        });
    }

    private static URI uri(MetricsEndpoint endpoint, String path) {
        InetSocketAddress address = (InetSocketAddress) endpoint.localAddress();
        return URI.create("http://127.0.0.1:" + address.getPort() + path);
    }

    @Test
    void servesEveryAppInThePrometheusTextFormatOneFamilyPerName() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(group, ListenAddress.parse("127.0.0.1:0"),
                io.prometheus.metrics.model.snapshots.Labels.of("worker", "emperor"), twoApps())) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(endpoint, "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    response.headers().firstValue("content-type").orElse(""));
            String text = response.body();
            assertEquals(1, count(text, "# TYPE malt_requests_seconds histogram"), "four workers, one family");
            assertEquals(1, count(text, "# TYPE jvm_memory_used_bytes gauge"), "workers and the emperor, one family");
            for (String app : List.of("shop", "blog")) {
                for (String worker : List.of("1", "2")) {
                    assertTrue(text.contains("malt_requests_seconds_count{app=\"" + app + "\",status=\"2xx\",worker=\""
                            + worker + "\"} 1"), app + " worker " + worker);
                }
            }
            assertTrue(text.contains("malt_worker_rss_bytes{app=\"blog\",worker=\"2\"} 6.7108864E7"), text);
            assertTrue(text.matches("(?s).*jvm_threads_live_threads\\{worker=\"emperor\"} \\d.*"),
                    "the serving process's own JVM");
        }
    }

    @Test
    void openMetricsGzipHeadAndErrors() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(group, ListenAddress.parse("127.0.0.1:0"),
                io.prometheus.metrics.model.snapshots.Labels.of("worker", "emperor"), twoApps())) {
            HttpResponse<InputStream> open = HTTP.send(HttpRequest.newBuilder(uri(endpoint, "/metrics"))
                            .header("Accept", "application/openmetrics-text; version=1.0.0,text/plain;q=0.5")
                            .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, open.statusCode());
            assertTrue(open.headers().firstValue("content-type").orElse("").startsWith("application/openmetrics-text"));
            assertEquals("gzip", open.headers().firstValue("content-encoding").orElse(""));
            String body = new String(new GZIPInputStream(open.body()).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(body.endsWith("# EOF\n"), "OpenMetrics ends with # EOF");

            HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(uri(endpoint, "/metrics"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());

            HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(uri(endpoint, "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("/metrics"));

            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri(endpoint, "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("allow").orElse(""));
        }
    }

    @Test
    void anAppThatDoesNotAnswerGives503NotAHang() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(group, ListenAddress.parse("127.0.0.1:0"),
                io.prometheus.metrics.model.snapshots.Labels.EMPTY,
                () -> CompletableFuture.failedFuture(new IllegalStateException("the master is stopping")))) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(endpoint, "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, response.statusCode());
            assertTrue(response.body().contains("the master is stopping"), response.body());
        }
    }

    @Test
    void servesOnAUnixSocket(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("metrics.sock");
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(group, ListenAddress.parse(socket.toString()),
                io.prometheus.metrics.model.snapshots.Labels.EMPTY, twoApps());
             SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Channels.newInputStream(channel).transferTo(out);
            String response = out.toString(StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200 OK"), response.lines().findFirst().orElse(""));
            assertTrue(response.contains("malt_requests_seconds_bucket{app=\"shop\""));
        }
    }

    private static int count(String text, String line) {
        int n = 0;
        for (String l : text.split("\n")) {
            if (l.equals(line)) {
                n++;
            }
        }
        return n;
    }
}
