package dev.malt.launcher;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopViewTest {

    /**
     * The control socket's stats for one app of two workers: worker 1 has served {@code r1} requests, {@code fast1}
     * of them in the 1 ms bucket and the rest in the 100 ms one; worker 2 served {@code r2}, all fast.
     */
    private static String stats(long r1, long fast1, long r2, long hits, long misses) {
        return String.format(Locale.ROOT, """
                {"kind":"app","apps":[{"app":"shop","state":"running","last_error":"","pid":4242,
                 "sockets":[{"name":"127.0.0.1:3031","proto":"uwsgi","queue":2,"max_queue":100}],
                 "workers":[%s,%s],
                 "cache":{"backend":"memory","hits":%d,"misses":%d}}]}""",
                worker(1, 101, r1, fast1, 150L << 20, 120L << 20), worker(2, 102, r2, r2, 140L << 20, 110L << 20),
                hits, misses);
    }

    private static String worker(int id, long pid, long requests, long fast, long rss, long pss) {
        long slow = requests - fast;
        long running = fast * 1000 + slow * 100_000;
        long[] counts = new long[19];
        counts[3] = fast;
        counts[9] = slow;
        StringBuilder c = new StringBuilder();
        for (long n : counts) {
            c.append(c.length() == 0 ? "" : ",").append(n);
        }
        return String.format(Locale.ROOT, """
                {"id":%d,"pid":%d,"accepting":1,"requests":%d,"exceptions":0,"harakiri_count":0,"status":"idle",
                 "rss":%d,"respawn_count":1,"running_time":%d,"avg_rt":%d,"state":"idle","pss":%d,
                 "rt_histogram":{"bounds_us":[100,250,500,1000,2500,5000,10000,25000,50000,100000,250000,500000,
                 1000000,2500000,5000000,10000000,30000000,60000000],"counts":[%s]}}""",
                id, pid, requests, rss, running, requests == 0 ? 0 : running / requests, pss, c);
    }

    private static String text(List<TopView.Line> lines) {
        StringBuilder out = new StringBuilder();
        lines.forEach(l -> out.append(l.text()).append('\n'));
        return out.toString();
    }

    private static String row(List<TopView.Line> lines, long pid) {
        return lines.stream().filter(l -> l.kind() == TopView.Kind.WORKER && l.text().contains(" " + pid + " "))
                .findFirst().orElseThrow().text();
    }

    @Test
    void ratesAndLatenciesComeFromTheDifferenceOfTwoReads() {
        TopView view = new TopView(1000);
        view.update(stats(100, 100, 50, 10, 10), 10_000);
        // one second later: worker 1 served 200 more, 197 fast and 3 of 100 ms; worker 2 none
        view.update(stats(300, 297, 50, 100, 20), 11_000);
        List<TopView.Line> lines = view.render(TopView.Sort.ID, false);
        String text = text(lines);

        String w1 = row(lines, 101);
        assertTrue(w1.matches(" +1 +101 idle +300 +200 .*"), w1);
        assertTrue(w1.contains(" 2.5ms "), "avg over the window: (197 x 1 ms + 3 x 100 ms) / 200: " + w1);
        assertTrue(w1.contains(" 66.7ms "), "p99: the 198th of 200 is the first of the 3 in the 50-100 ms bucket: " + w1);
        assertTrue(w1.contains("150.0M") && w1.contains("120.0M"), "RSS and PSS: " + w1);
        String w2 = row(lines, 102);
        assertTrue(w2.matches(" +2 +102 idle +50 +0\\.0 +- +- .*"), "no requests in the window: " + w2);

        String app = lines.stream().filter(l -> l.kind() == TopView.Kind.APP).findFirst().orElseThrow().text();
        assertTrue(app.startsWith("shop  running  master 4242  workers 2/2  req/s 200  listen queue 2/100"), app);
        assertTrue(app.endsWith("cache hits 90.0%"), "90 hits and 10 misses in the window: " + app);
        assertTrue(text.startsWith("malt top - "), text);
        assertFalse(text.contains("q quit"), "--once has no keys to press");
    }

    @Test
    void aFirstReadShowsWhatTheWorkersSayOfTheirWholeLife() {
        TopView view = new TopView(1000);
        view.update(stats(100, 100, 0, 0, 0), 10_000);
        String w1 = row(view.render(TopView.Sort.ID, true), 101);
        assertTrue(w1.matches(" +1 +101 idle +100 +- +1\\.0ms .*"), w1);
    }

    @Test
    void workersSortByTheChosenColumnBiggestFirst() {
        TopView view = new TopView(1000);
        view.update(stats(100, 100, 500, 0, 0), 10_000);
        view.update(stats(110, 100, 900, 0, 0), 11_000);
        List<TopView.Line> byId = view.render(TopView.Sort.ID, true);
        List<TopView.Line> byRate = view.render(TopView.Sort.RATE, true);
        List<TopView.Line> byP99 = view.render(TopView.Sort.P99, true);
        assertEquals(List.of(101L, 102L), pids(byId));
        assertEquals(List.of(102L, 101L), pids(byRate), "400 req/s before 10");
        assertEquals(List.of(101L, 102L), pids(byP99), "worker 1's new requests were slow");
        assertTrue(text(byRate).contains("sorted by req/s"));
        assertTrue(text(byRate).contains("q quit"));
        assertEquals(TopView.Sort.P99, TopView.Sort.forKey('p'));
        assertEquals(null, TopView.Sort.forKey('x'));
    }

    @Test
    void aRespawnedWorkerStartsAfresh() {
        TopView view = new TopView(1000);
        view.update(stats(100, 100, 50, 0, 0), 10_000);
        view.update(stats(100, 100, 50, 0, 0).replace("\"pid\":101", "\"pid\":201"), 11_000);
        String w1 = row(view.render(TopView.Sort.ID, false), 201);
        assertTrue(w1.matches(" +1 +201 idle +100 +- .*"), "no rate from another process's counters: " + w1);
    }

    @Test
    void unitsAreShort() {
        assertEquals("850us", TopView.micros(850));
        assertEquals("12.3ms", TopView.micros(12_300));
        assertEquals("250ms", TopView.micros(250_000));
        assertEquals("1.50s", TopView.micros(1_500_000));
        assertEquals("-", TopView.micros(Double.NaN));
        assertEquals("512K", TopView.bytes(512 * 1024));
        assertEquals("123.5M", TopView.bytes(123_500_000L * 1024 * 1024 / 1_000_000));
        assertEquals("-", TopView.bytes(-1));
    }

    @Test
    void anythingButAStatsDocumentIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TopView(1000).update("error", 1));
        assertThrows(IllegalArgumentException.class, () -> new TopView(1000).update("{\"x\":1}", 1));
    }

    private static List<Long> pids(List<TopView.Line> lines) {
        return lines.stream().filter(l -> l.kind() == TopView.Kind.WORKER)
                .map(l -> Long.parseLong(l.text().trim().split(" +")[1])).toList();
    }
}
