package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.Json;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.Prometheus;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Tmux;
import dev.malt.integration.support.Tools;
import dev.malt.integration.support.Wait;
import dev.malt.integration.support.Wrk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 end to end: an app of two workers under load, its metrics endpoint scraped by a real Prometheus and read
 * back through Prometheus's query API, its stats, and {@code malt top} both as a plain snapshot and on a real
 * terminal (tmux); then the emperor's one endpoint for every app.
 */
@ExtendWith(Diagnostics.class)
class MetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @Test
    void twoWorkersUnderLoadThroughPrometheusStatsAndTop() throws Exception {
        MaltProcess.Builder builder = MaltProcess.probe("metrics");
        Endpoint socket = Endpoint.unix(builder.path("app.sock"));
        Endpoint metrics = Endpoint.freeTcp();
        Endpoint stats = Endpoint.freeTcp();
        // nginx in front, as in production: one uwsgi connection per request, so both workers take their share
        try (MaltProcess malt = builder.option("workers", "2").option("threads", "4").option("harakiri", "2")
                .socket(socket).option("metrics", metrics.iniValue()).option("stats", stats.iniValue()).start();
             Nginx nginx = Nginx.to(socket).start();
             Prometheus prometheus = Prometheus.scraping(metrics)) {
            Endpoint http = nginx.endpoint();
            Map<Integer, Long> workers = malt.awaitFreshWorkers(2, List.of(), Duration.ofSeconds(60));
            prometheus.awaitValue("up{job=\"malt\"}", v -> v == 1, SETTLE);
            long before = settledTotal(metrics, stats, 0);

            int failures = 7;
            int notFound = 5;
            Wrk.Result load;
            String topOnce;
            String topScreen;
            try (Wrk wrk = Wrk.start(http, "/pid", 8, 300)) {
                // malt top against the app under load: a plain snapshot, then the live screen in a real terminal
                MaltProcess.CliResult once = MaltProcess.cli("top", "metrics", "--once");
                assertEquals(0, once.exitCode(), once::stderr);
                topOnce = once.stdout();
                topScreen = liveTop(workers);
                for (int i = 0; i < failures; i++) {
                    assertEquals(500, RawHttp.get("/fail").send(http).status());
                }
                for (int i = 0; i < notFound; i++) {
                    assertEquals(404, RawHttp.get("/status?code=404").send(http).status());
                }
                assertTrue(wrk.isRunning(), "the load lasted while malt top ran");
                load = wrk.stop();
            }
            System.out.println("malt top --once under load:\n" + topOnce);
            System.out.println("malt top in tmux under load:\n" + topScreen);
            for (long pid : workers.values()) {
                assertTrue(topOnce.lines().anyMatch(l -> l.matches(" +[12] +" + pid + " .*")), () -> "a row for " + pid
                        + " in\n" + topOnce);
            }
            String appLine = topOnce.lines().filter(l -> l.startsWith("metrics  running")).findFirst().orElseThrow();
            assertTrue(appLine.matches(".*workers 2/2  req/s [1-9][0-9.]*  listen queue \\d+/\\d+.*"), appLine);
            assertEquals(0, load.socketErrors(), load::text);

            // Once the last heartbeat is in, the workers' meters and the stats agree, request for request.
            long expected = load.requests() + failures + notFound;
            long total = settledTotal(metrics, stats, before + expected);
            assertTrue(total - before <= expected + 8, () -> (total - before) + " requests: wrk's 8 connections may"
                    + " each have had one in flight when it stopped, no more (" + expected + " counted by the clients)");

            Map<String, Double> scrape = scrape(metrics);
            assertEquals(failures, sum(scrape, "malt_requests_seconds_count", Map.of("status", "5xx")));
            assertEquals(notFound, sum(scrape, "malt_requests_seconds_count", Map.of("status", "4xx")));
            assertEquals(failures, sum(scrape, "malt_exceptions_total", Map.of("app", "metrics")), "the app's exceptions");
            for (String worker : List.of("1", "2")) {
                Map<String, String> labels = Map.of("app", "metrics", "worker", worker);
                assertTrue(sum(scrape, "malt_requests_seconds_count", labels) > 0, "both workers served: " + worker);
                assertTrue(sum(scrape, "malt_worker_rss_bytes", labels) > 10 << 20, "RSS of worker " + worker);
                assertTrue(sum(scrape, "malt_worker_pss_bytes", labels) > 10 << 20, "PSS of worker " + worker);
                assertTrue(sum(scrape, "malt_sent_bytes_total", labels) > 0);
                assertTrue(sum(scrape, "malt_received_bytes_total", labels) > 0);
                assertEquals(4, sum(scrape, "malt_threads_max", labels));
                assertTrue(sum(scrape, "jvm_memory_used_bytes", Map.of("worker", worker, "area", "heap")) > 0,
                        "the worker's JVM binders");
                assertTrue(scrape.keySet().stream().anyMatch(k -> k.startsWith("jvm_gc_pause_seconds_count{")
                        || k.startsWith("jvm_gc_memory_allocated_bytes_total{")));
            }
            assertTrue(sum(scrape, "jvm_threads_live_threads", Map.of("app", "metrics", "worker", "master")) > 0,
                    "the master's own JVM");

            // The same numbers through a real Prometheus: its scrapes parsed, stored, and queried back.
            prometheus.awaitValue("sum(malt_requests_seconds_count{app=\"metrics\"})", v -> v == total, SETTLE);
            assertEquals(failures, prometheus.value("sum(malt_requests_seconds_count{app=\"metrics\",status=\"5xx\"})"));
            assertEquals(2, prometheus.value("count(malt_worker_pss_bytes{app=\"metrics\"} > 0)"));
            assertEquals(2, prometheus.value("count(count by (worker) (jvm_threads_live_threads{app=\"metrics\","
                    + "worker=~\"[0-9]+\"}))"));
            double p99 = prometheus.value("histogram_quantile(0.99, sum by (le) "
                    + "(malt_requests_seconds_bucket{app=\"metrics\"}))");
            assertTrue(p99 > 0 && p99 < 60, "p99 from the buckets of both workers: " + p99);

            // A stuck request: the master kills its worker (harakiri) and counts it; the slot gets a new process.
            CompletableFuture.runAsync(() -> {
                try {
                    RawHttp.get("/sleep?ms=30000").timeout(Duration.ofSeconds(60)).send(http);
                } catch (RuntimeException | AssertionError expectedWhenKilled) {
                    // its worker dies under it
                }
            });
            prometheus.awaitValue("sum(malt_worker_harakiri_total{app=\"metrics\"})", v -> v == 1, Duration.ofSeconds(60));
            prometheus.awaitValue("sum(malt_worker_respawns_total{app=\"metrics\"})", v -> v == 1, Duration.ofSeconds(90));
        }
    }

    /**
     * Waits until the workers' meters and the stats socket (the heartbeats' counters) count the same requests, at
     * least {@code atLeast}; returns that count.
     */
    private static long settledTotal(Endpoint metrics, Endpoint stats, long atLeast) {
        long[] seen = new long[2];
        Wait.until(SETTLE, Duration.ofMillis(200), () -> {
            seen[0] = (long) sum(scrape(metrics), "malt_requests_seconds_count", Map.of("app", "metrics"));
            seen[1] = statsRequests(stats);
            return seen[0] == seen[1] && seen[0] >= atLeast;
        }, () -> "metrics counted " + seen[0] + ", stats " + seen[1] + ", expected at least " + atLeast);
        return seen[0];
    }

    /** {@code malt top} on a real terminal: waits for both workers, sorts by p99, quits with q. */
    private static String liveTop(Map<Integer, Long> workers) {
        String command = Tools.maltCommand() + " top metrics";
        try (Tmux terminal = Tmux.run(command, 110, 24)) {
            List<String> pids = workers.values().stream().map(String::valueOf).toList();
            List<String> expected = new ArrayList<>(pids);
            expected.add("sorted by id");
            expected.add("q quit");
            terminal.awaitScreen(Duration.ofSeconds(60), expected.toArray(String[]::new));
            terminal.sendKeys("p");
            // the screen after a refresh, with rates (the first read has none)
            String screen = terminal.awaitScreen(Duration.ofSeconds(10), s -> s.contains("sorted by p99")
                    && s.matches("(?s).*req/s [0-9].*"), "sorted by p99, with req/s");
            terminal.sendKeys("m");
            terminal.awaitScreen(Duration.ofSeconds(10), "sorted by memory");
            terminal.sendKeys("q");
            Wait.until(Duration.ofSeconds(10), terminal::exited, () -> "malt top is still running after q:\n"
                    + terminal.screen());
            assertEquals(0, terminal.exitStatus());
            return screen;
        }
    }

    @Test
    void theEmperorServesEveryAppOnOneEndpoint() throws Exception {
        MaltProcess.Builder builder = MaltProcess.builder("emperor-metrics");
        Path enabled = Files.createDirectories(builder.path("apps-enabled"));
        Endpoint shop = Endpoint.freeTcp();
        Endpoint blog = Endpoint.freeTcp();
        writeApp(enabled.resolve("shop.ini"), shop, "");
        writeApp(enabled.resolve("blog.ini"), blog, "metrics-enabled = false");
        Endpoint metrics = Endpoint.freeTcp();
        try (MaltProcess emperor = builder.emperor(enabled).args("--metrics", metrics.iniValue()).startUnready()) {
            Wait.until(Duration.ofSeconds(90), () -> emperor.readyWorkersOf("shop").size() == 1
                    && emperor.readyWorkersOf("blog").size() == 1, () -> "apps not ready:\n" + emperor.outputTail(40));
            for (int i = 0; i < 3; i++) {
                assertEquals(200, RawHttp.get("/pid").send(shop).status());
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(200, RawHttp.get("/pid").send(blog).status());
            }
            Map<String, Double>[] last = new Map[1];
            Wait.until(SETTLE, Duration.ofMillis(200), () -> {
                last[0] = scrape(metrics);
                return sum(last[0], "malt_requests_seconds_count", Map.of("app", "shop", "worker", "1")) == 3
                        && sum(last[0], "malt_worker_rss_bytes", Map.of("app", "blog", "worker", "1")) > 0;
            }, () -> "one endpoint, both apps: " + last[0]);
            assertTrue(sum(last[0], "jvm_threads_live_threads", Map.of("worker", "emperor")) > 0, "the emperor's JVM");
            assertTrue(last[0].keySet().stream().noneMatch(k -> k.contains("app=\"blog\"")
                    && (k.startsWith("malt_requests") || k.startsWith("jvm_"))),
                    "blog's workers keep no meters (metrics-enabled = false); its master's figures are all there is");

            Path pidfile = builder.path("emperor.pid");
            Files.writeString(pidfile, emperor.pid() + "\n");
            MaltProcess.CliResult top = MaltProcess.cli("top", "--pidfile", pidfile.toString(), "--once");
            assertEquals(0, top.exitCode(), top::stderr);
            assertTrue(top.stdout().contains("\nblog  running") && top.stdout().contains("\nshop  running"),
                    top.stdout());
            long blogWorker = emperor.readyWorkersOf("blog").get(0);
            assertTrue(top.stdout().lines().anyMatch(l -> l.matches(" +1 +" + blogWorker + " +\\S+ +5 .*")),
                    "blog's 5 requests, from its heartbeats: " + top.stdout());
        }
    }

    private static void writeApp(Path ini, Endpoint http, String extra) throws IOException {
        Files.writeString(ini, String.join("\n", "[malt]", "http-socket = " + http.iniValue(),
                "servlet = dev.malt.samples.ProbeServlet", "classpath = " + Tools.samplesJar(), "workers = 1", extra,
                ""));
    }

    /** One scrape of the endpoint: each series (name and labels as written) with its value. */
    private static Map<String, Double> scrape(Endpoint metrics) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + metrics.host() + ":"
                    + metrics.port() + "/metrics")).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response::body);
            Map<String, Double> series = new LinkedHashMap<>();
            for (String line : response.body().split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    int space = line.lastIndexOf(' ');
                    series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
            return series;
        } catch (IOException e) {
            throw new AssertionError("cannot scrape " + metrics + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** The sum of the series of {@code name} whose labels include {@code labels}. */
    private static double sum(Map<String, Double> scrape, String name, Map<String, String> labels) {
        double sum = 0;
        for (Map.Entry<String, Double> series : scrape.entrySet()) {
            String key = series.getKey();
            if (!key.startsWith(name + "{")) {
                continue;
            }
            boolean all = labels.entrySet().stream().allMatch(l -> key.contains(l.getKey() + "=\"" + l.getValue() + "\""));
            if (all) {
                sum += series.getValue();
            }
        }
        return sum;
    }

    /** The requests of all workers, from the stats socket (the heartbeats' counters, not the meters). */
    @SuppressWarnings("unchecked")
    private static long statsRequests(Endpoint stats) {
        try (Socket socket = new Socket(stats.host(), stats.port())) {
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(out);
            Map<String, Object> doc = Json.parseObject(out.toString(StandardCharsets.UTF_8));
            return ((List<Map<String, Object>>) (List<?>) doc.get("workers")).stream()
                    .mapToLong(w -> ((Number) w.get("requests")).longValue()).sum();
        } catch (IOException e) {
            throw new AssertionError("cannot read the stats: " + e, e);
        }
    }
}
