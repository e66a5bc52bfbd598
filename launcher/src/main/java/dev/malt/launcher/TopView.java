package dev.malt.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.malt.server.metrics.LatencyHistogram;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code malt top} shows, without the terminal: successive reads of the control socket's {@code stats}
 * document go in ({@link #update}), lines of text come out ({@link #render}). Rates and latencies are computed
 * between reads, as uwsgitop does: requests per second over the last interval, average and 99th percentile latency
 * over the last {@value #WINDOW_MILLIS} ms (from the workers' latency buckets, which add and subtract exactly).
 */
final class TopView {

    /** How far back the latencies and the cache hit rate look. */
    static final long WINDOW_MILLIS = 10_000;

    /** A sort order: its key, its name, and how it orders workers (the largest first, except the id). */
    enum Sort {
        ID('i', "id", Comparator.comparingInt(Row::id)),
        REQUESTS('r', "requests", Comparator.comparingLong(Row::requests).reversed()),
        RATE('s', "req/s", Comparator.comparingDouble(Row::rate).reversed()),
        AVG('a', "avg", Comparator.comparingDouble(Row::avgMicros).reversed()),
        P99('p', "p99", Comparator.comparingDouble(Row::p99Micros).reversed()),
        MEMORY('m', "memory", Comparator.comparingLong(Row::memory).reversed());

        final char key;
        final String title;
        final Comparator<Row> order;

        Sort(char key, String title, Comparator<Row> order) {
            this.key = key;
            this.title = title;
            this.order = order.thenComparingInt(Row::id);
        }

        static Sort forKey(int key) {
            for (Sort sort : values()) {
                if (sort.key == key) {
                    return sort;
                }
            }
            return null;
        }
    }

    /** What a line is, so the terminal can style it; plain text ignores it. */
    enum Kind { TITLE, APP, HEADER, WORKER, NOTE, FOOTER }

    record Line(Kind kind, String text) {
    }

    /** One worker as shown; NaN where there is nothing to show yet. */
    record Row(int id, long pid, String state, long requests, double rate, double avgMicros, double p99Micros,
               long rss, long pss, long respawns, long harakiri, long exceptions) {
        long memory() {
            return pss >= 0 ? pss : rss;
        }
    }

    /** One read of a worker. */
    private record Sample(long at, long requests, long runningMicros, LatencyHistogram latency) {
    }

    /** One read of an app's cache. */
    private record CacheSample(long at, long hits, long misses) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final String COLUMNS = String.format("%4s %8s %-9s %10s %8s %8s %8s %8s %8s %5s %5s %5s",
            "WID", "PID", "STATE", "REQUESTS", "REQ/S", "AVG", "P99", "RSS", "PSS", "RESP", "HARA", "EXC");

    private final Map<String, Deque<Sample>> history = new HashMap<>();
    private final Map<String, Deque<CacheSample>> cacheHistory = new HashMap<>();
    private JsonNode latest;
    private long latestAt;
    private final long intervalMillis;

    TopView(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    /**
     * A new read of the {@code stats} document, taken at {@code nowMillis}.
     *
     * @throws IllegalArgumentException when the text is not a stats document
     */
    void update(String json, long nowMillis) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a stats document: " + e.getMessage(), e);
        }
        if (root == null || !root.path("apps").isArray()) {
            throw new IllegalArgumentException("not a stats document: no apps");
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode app : root.path("apps")) {
            String name = app.path("app").asText();
            for (JsonNode w : app.path("workers")) {
                String key = key(name, w);
                seen.add(key);
                Deque<Sample> samples = history.computeIfAbsent(key, k -> new ArrayDeque<>());
                samples.addLast(new Sample(nowMillis, w.path("requests").asLong(), w.path("running_time").asLong(),
                        histogram(w.path("rt_histogram"))));
                // keep the newest sample older than the window, so the window is always covered
                while (samples.size() > 2 && nowMillis - samples.toArray(Sample[]::new)[1].at() >= WINDOW_MILLIS) {
                    samples.removeFirst();
                }
            }
            if (app.has("cache")) {
                seen.add("cache/" + name);
                Deque<CacheSample> samples = cacheHistory.computeIfAbsent(name, k -> new ArrayDeque<>());
                samples.addLast(new CacheSample(nowMillis, app.path("cache").path("hits").asLong(),
                        app.path("cache").path("misses").asLong()));
                while (samples.size() > 2 && nowMillis - samples.toArray(CacheSample[]::new)[1].at() >= WINDOW_MILLIS) {
                    samples.removeFirst();
                }
            }
        }
        history.keySet().retainAll(seen);
        cacheHistory.keySet().removeIf(name -> !seen.contains("cache/" + name));
        latest = root;
        latestAt = nowMillis;
    }

    /** The screen: a title, then per app a line, the column headers and a line per worker, then the keys. */
    List<Line> render(Sort sort, boolean interactive) {
        List<Line> lines = new ArrayList<>();
        int apps = latest == null ? 0 : latest.path("apps").size();
        lines.add(new Line(Kind.TITLE, String.format(Locale.ROOT, "malt top - %s - %d app%s - every %s - sorted by %s;"
                        + " avg and p99 over the last %d s", latestAt == 0 ? "--:--:--" : CLOCK.format(Instant.ofEpochMilli(latestAt)),
                apps, apps == 1 ? "" : "s", seconds(intervalMillis), sort.title, WINDOW_MILLIS / 1000)));
        if (latest != null) {
            List<JsonNode> sorted = new ArrayList<>();
            latest.path("apps").forEach(sorted::add);
            sorted.sort(Comparator.comparing(a -> a.path("app").asText()));
            for (JsonNode app : sorted) {
                lines.add(new Line(Kind.NOTE, ""));
                List<Row> rows = rows(app);
                lines.add(new Line(Kind.APP, appLine(app, rows)));
                String error = app.path("last_error").asText("");
                if (!error.isEmpty()) {
                    lines.add(new Line(Kind.NOTE, "  last error: " + error));
                }
                if (rows.isEmpty()) {
                    continue;
                }
                lines.add(new Line(Kind.HEADER, COLUMNS));
                rows.sort(sort.order);
                for (Row row : rows) {
                    lines.add(new Line(Kind.WORKER, workerLine(row)));
                }
            }
        }
        if (interactive) {
            lines.add(new Line(Kind.NOTE, ""));
            lines.add(new Line(Kind.FOOTER, "sort: i id  r requests  s req/s  a avg  p p99  m memory     q quit"));
        }
        return lines;
    }

    private List<Row> rows(JsonNode app) {
        String name = app.path("app").asText();
        List<Row> rows = new ArrayList<>();
        for (JsonNode w : app.path("workers")) {
            Deque<Sample> samples = history.getOrDefault(key(name, w), new ArrayDeque<>());
            double rate = Double.NaN;
            double avg = Double.NaN;
            double p99 = Double.NaN;
            if (samples.size() >= 2) {
                Sample[] all = samples.toArray(Sample[]::new);
                Sample now = all[all.length - 1];
                Sample previous = all[all.length - 2];
                Sample oldest = all[0];
                if (now.at() > previous.at()) {
                    rate = Math.max(0, now.requests() - previous.requests()) * 1000.0 / (now.at() - previous.at());
                }
                long served = now.requests() - oldest.requests();
                if (served > 0) {
                    avg = Math.max(0, now.runningMicros() - oldest.runningMicros()) / (double) served;
                    if (now.latency() != null && oldest.latency() != null
                            && java.util.Arrays.equals(now.latency().bounds(), oldest.latency().bounds())) {
                        p99 = now.latency().minus(oldest.latency()).quantile(0.99) * 1e6;
                    }
                }
            }
            if (Double.isNaN(p99) && Double.isNaN(avg) && samples.size() < 2 && w.has("p99_rt")) {
                p99 = w.path("p99_rt").asDouble(); // a first read: the worker's whole life
            }
            if (Double.isNaN(avg) && samples.size() < 2 && w.path("requests").asLong() > 0) {
                avg = w.path("avg_rt").asDouble();
            }
            rows.add(new Row(w.path("id").asInt(), w.path("pid").asLong(), w.path("state").asText(
                    w.path("status").asText("")), w.path("requests").asLong(), rate, avg, p99,
                    w.path("rss").asLong(-1), w.path("pss").asLong(-1), Math.max(0, w.path("respawn_count").asLong() - 1),
                    w.path("harakiri_count").asLong(), w.path("exceptions").asLong()));
        }
        return rows;
    }

    private String appLine(JsonNode app, List<Row> rows) {
        String name = app.path("app").asText();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s  %s  master %d", name,
                app.path("state").asText(), app.path("pid").asLong()));
        long accepting = 0;
        for (JsonNode w : app.path("workers")) {
            accepting += w.path("accepting").asLong();
        }
        line.append("  workers ").append(accepting).append('/').append(rows.size());
        double rate = 0;
        boolean known = false;
        for (Row row : rows) {
            if (!Double.isNaN(row.rate())) {
                rate += row.rate();
                known = true;
            }
        }
        line.append("  req/s ").append(known ? number(rate) : "-");
        long queue = 0;
        long limit = 0;
        for (JsonNode socket : app.path("sockets")) {
            queue += socket.path("queue").asLong();
            limit += socket.path("max_queue").asLong();
        }
        if (app.has("sockets")) {
            line.append("  listen queue ").append(queue).append('/').append(limit);
        }
        Deque<CacheSample> cache = cacheHistory.get(name);
        if (cache != null && !cache.isEmpty()) {
            CacheSample now = cache.peekLast();
            CacheSample oldest = cache.peekFirst();
            long hits = now.hits() - (cache.size() > 1 ? oldest.hits() : 0);
            long misses = now.misses() - (cache.size() > 1 ? oldest.misses() : 0);
            line.append("  cache hits ").append(hits + misses == 0 ? "-"
                    : String.format(Locale.ROOT, "%.1f%%", 100.0 * hits / (hits + misses)));
        }
        return line.toString();
    }

    private static String workerLine(Row r) {
        return String.format(Locale.ROOT, "%4d %8d %-9s %10d %8s %8s %8s %8s %8s %5d %5d %5d", r.id(), r.pid(),
                r.state(), r.requests(), Double.isNaN(r.rate()) ? "-" : number(r.rate()), micros(r.avgMicros()),
                micros(r.p99Micros()), bytes(r.rss()), bytes(r.pss()), r.respawns(), r.harakiri(), r.exceptions());
    }

    private static String key(String app, JsonNode worker) {
        return app + "/" + worker.path("id").asInt() + "/" + worker.path("pid").asLong();
    }

    private static LatencyHistogram histogram(JsonNode node) {
        JsonNode bounds = node.path("bounds_us");
        JsonNode counts = node.path("counts");
        if (!counts.isArray() || counts.size() != bounds.size() + 1 || counts.isEmpty()) {
            return null;
        }
        double[] b = new double[counts.size()];
        long[] c = new long[counts.size()];
        for (int i = 0; i < c.length; i++) {
            b[i] = i < bounds.size() ? bounds.get(i).asDouble() / 1e6 : Double.POSITIVE_INFINITY;
            c[i] = counts.get(i).asLong();
        }
        return new LatencyHistogram(b, c);
    }

    /** 950us, 12.3ms, 1.25s; "-" for nothing. */
    static String micros(double us) {
        if (Double.isNaN(us)) {
            return "-";
        }
        if (us < 1000) {
            return String.format(Locale.ROOT, "%.0fus", us);
        }
        if (us < 100_000) {
            return String.format(Locale.ROOT, "%.1fms", us / 1000);
        }
        if (us < 1_000_000) {
            return String.format(Locale.ROOT, "%.0fms", us / 1000);
        }
        return String.format(Locale.ROOT, "%.2fs", us / 1e6);
    }

    /** 812K, 123.4M, 1.2G; "-" when unknown. */
    static String bytes(long n) {
        if (n < 0) {
            return "-";
        }
        if (n < 1024 * 1024) {
            return (n >> 10) + "K";
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1fM", n / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2fG", n / 1073741824.0);
    }

    private static String number(double rate) {
        return rate < 10 ? String.format(Locale.ROOT, "%.1f", rate) : String.format(Locale.ROOT, "%.0f", rate);
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
