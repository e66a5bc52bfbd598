package dev.malt.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.malt.server.status.MasterStatus.WorkerStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static dev.malt.server.metrics.Snapshots.snapshot;
import static dev.malt.server.metrics.Snapshots.twoWorkers;
import static dev.malt.server.metrics.Snapshots.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** uWSGI 2.0.21's own stats output, captured from Debian's uwsgi (see stats/README.md). */
    static JsonNode uwsgiCapture() throws IOException {
        try (InputStream in = StatsJsonTest.class.getResourceAsStream("/stats/uwsgi-2.0-stats.json")) {
            return MAPPER.readTree(in);
        }
    }

    private static JsonNode render(StatsJson json, StatsSnapshot snapshot) throws IOException {
        return MAPPER.readTree(json.render(snapshot));
    }

    @Test
    void everyKeyOfUwsgisDocumentIsThereWithTheSameJsonType() throws IOException {
        JsonNode uwsgi = uwsgiCapture();
        JsonNode malt = render(new StatsJson(), twoWorkers(10, 4));

        List<String> problems = new ArrayList<>();
        sameShape("", uwsgi, malt, problems);
        assertEquals(List.of(), problems);

        // The levels the issue names, checked one by one so that an empty array can never hide a level.
        for (String level : List.of("/sockets/0", "/workers/0", "/workers/0/apps/0", "/workers/0/cores/0")) {
            assertFalse(malt.at(level).isMissingNode(), level + " is missing");
            List<String> expected = new ArrayList<>(keys(uwsgi.at(level)));
            if (level.equals("/workers/0")) {
                expected.add("state"); // Malt's own keys come after all of uWSGI's
            }
            assertEquals(expected, keys(malt.at(level)), "keys and their order at " + level);
        }
        List<String> uwsgiTop = keys(uwsgi);
        List<String> maltTop = keys(malt);
        assertEquals(uwsgiTop, maltTop, "top-level keys and their order");
    }

    /** Walks uWSGI's document; for arrays, the first element stands for all (Malt's may be empty only for locks). */
    private static void sameShape(String path, JsonNode uwsgi, JsonNode malt, List<String> problems) {
        if (malt == null || malt.isMissingNode()) {
            problems.add(path + ": missing");
            return;
        }
        if (uwsgi.getNodeType() != malt.getNodeType()) {
            problems.add(path + ": " + malt.getNodeType() + " where uWSGI has " + uwsgi.getNodeType());
            return;
        }
        if (uwsgi.getNodeType() == JsonNodeType.NUMBER && uwsgi.isIntegralNumber() != malt.isIntegralNumber()) {
            problems.add(path + ": " + malt + " where uWSGI has an integer");
        }
        if (uwsgi.isObject()) {
            Iterator<String> names = uwsgi.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                sameShape(path + "/" + name, uwsgi.get(name), malt.get(name), problems);
            }
        } else if (uwsgi.isArray() && !uwsgi.isEmpty()) {
            if (malt.isEmpty()) {
                if (!path.equals("/locks")) {
                    problems.add(path + ": empty");
                }
                return;
            }
            for (JsonNode element : malt) {
                sameShape(path + "/0", uwsgi.get(0), element, problems);
            }
        }
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void valuesUseUwsgisUnits() throws IOException {
        JsonNode doc = render(new StatsJson("9.9", 33, 44, "/srv"), twoWorkers(10, 4));

        assertEquals("9.9", doc.get("version").asText());
        assertEquals(3, doc.get("listen_queue").asLong());
        assertEquals(1, doc.get("listen_queue_errors").asLong());
        assertEquals(3, doc.get("load").asLong());
        assertEquals(Snapshots.MASTER_PID, doc.get("pid").asLong());
        assertEquals(33, doc.get("uid").asLong());
        assertEquals(44, doc.get("gid").asLong());
        assertEquals("/srv", doc.get("cwd").asText());

        JsonNode socket = doc.at("/sockets/1");
        assertEquals("/run/malt/app/shop.sock", socket.get("name").asText());
        assertEquals("http", socket.get("proto").asText());
        assertEquals(3, socket.get("queue").asLong());
        assertEquals(1024, socket.get("max_queue").asLong());

        JsonNode w1 = doc.at("/workers/0");
        assertEquals(1, w1.get("id").asInt());
        assertEquals(101, w1.get("pid").asLong());
        assertEquals(1, w1.get("accepting").asInt());
        assertEquals(10, w1.get("requests").asLong());
        assertEquals("idle", w1.get("status").asText());
        assertEquals(64L * 1024 * 1024, w1.get("rss").asLong(), "bytes");
        assertEquals(2L * 1024 * 1024 * 1024, w1.get("vsz").asLong(), "bytes");
        assertEquals(300, w1.get("avg_rt").asLong(), "microseconds");
        assertEquals(3_000, w1.get("running_time").asLong(), "microseconds spent in requests");
        assertEquals(Snapshots.SPAWNED, w1.get("last_spawn").asLong(), "epoch seconds");
        assertEquals(1, w1.get("respawn_count").asLong(), "uWSGI counts the first spawn");
        assertEquals(510, w1.get("tx").asLong());
        assertEquals(10, w1.at("/apps/0/requests").asLong());
        assertEquals(10, w1.at("/cores/0/requests").asLong());
        assertEquals(0, w1.at("/cores/0/in_request").asInt());

        JsonNode w2 = doc.at("/workers/1");
        assertEquals("busy", w2.get("status").asText());
        assertEquals(1, w2.at("/cores/0/in_request").asInt());
    }

    @Test
    void theResponseCacheShowsItsCountersUnderCacheAndOnlyWhenTheAppHasOne() throws IOException {
        assertTrue(render(new StatsJson(), twoWorkers(1, 1)).path("cache").isMissingNode());
        StatsSnapshot plain = twoWorkers(1, 1);
        StatsSnapshot cached = new StatsSnapshot(plain.master(), plain.sockets(), plain.listenQueue(),
                plain.listenQueueErrors(), new dev.malt.server.cache.CacheStats("memory", 90, 7, 3, 7, 20, 2, 5, 4096,
                0));
        JsonNode cache = render(new StatsJson(), cached).get("cache");
        assertEquals("memory", cache.get("backend").asText());
        assertEquals(90, cache.get("hits").asLong());
        assertEquals(7, cache.get("misses").asLong());
        assertEquals(3, cache.get("passes").asLong());
        assertEquals(7, cache.get("stores").asLong());
        assertEquals(20, cache.get("coalesced").asLong());
        assertEquals(2, cache.get("evictions").asLong());
        assertEquals(5, cache.get("items").asLong());
        assertEquals(4096, cache.get("bytes").asLong());
        JsonNode redis = render(new StatsJson(), new StatsSnapshot(plain.master(), plain.sockets(), 0, 0,
                new dev.malt.server.cache.CacheStats("redis://127.0.0.1:6379/0", 1, 1, 0, 1, 0, -1, 12, -1, 0)))
                .get("cache");
        assertTrue(redis.path("bytes").isMissingNode(), "unknown for Redis: left out, not 0");
        assertTrue(redis.path("evictions").isMissingNode());
        assertEquals(12, redis.get("items").asLong());
    }

    @Test
    void malsOwnKeysFollowUwsgisPssAndTheLatencyBucketsWhereTheMasterHasThem() throws IOException {
        StatsSnapshot plain = twoWorkers(10, 4);
        long[] counts = new long[LatencyHistogram.BOUNDS_SECONDS.length + 1];
        counts[3] = 99; // 0.5 to 1 ms
        counts[9] = 1;  // 50 to 100 ms
        LatencyHistogram latency = new LatencyHistogram(LatencyHistogram.empty().bounds(), counts);
        StatsSnapshot detailed = new StatsSnapshot(plain.master(), plain.sockets(), 0, 0, null,
                java.util.Map.of(101L, new StatsSnapshot.WorkerDetail(48L << 20, latency)));
        JsonNode doc = render(new StatsJson(), detailed);

        JsonNode w1 = doc.at("/workers/0");
        assertEquals("idle", w1.get("state").asText());
        assertEquals(48L << 20, w1.get("pss").asLong(), "bytes");
        assertEquals(1000, w1.get("p99_rt").asLong(), "the 99th of 100 requests is the last one under 1 ms");
        assertEquals(100, w1.at("/rt_histogram/bounds_us/0").asLong());
        assertEquals(60_000_000, w1.at("/rt_histogram/bounds_us/17").asLong());
        assertEquals(18, w1.at("/rt_histogram/bounds_us").size());
        assertEquals(19, w1.at("/rt_histogram/counts").size(), "one more count: slower than the last bound");
        assertEquals(99, w1.at("/rt_histogram/counts/3").asLong());

        JsonNode w2 = doc.at("/workers/1");
        assertTrue(w2.path("pss").isMissingNode(), "unknown: left out");
        assertTrue(w2.path("p99_rt").isMissingNode());
        assertTrue(w2.path("rt_histogram").isMissingNode());
    }

    @Test
    void theControlSocketsStatsNameEachApp() throws IOException {
        JsonNode doc = MAPPER.readTree(new StatsJson().renderApps("emperor", List.of(twoWorkers(1, 2))));
        assertEquals("emperor", doc.get("kind").asText());
        JsonNode app = doc.at("/apps/0");
        assertEquals("shop", app.get("app").asText());
        assertEquals("running", app.get("state").asText());
        assertEquals("", app.get("last_error").asText());
        assertEquals(2, app.get("workers").size());
        assertEquals(3, app.get("listen_queue").asLong());
    }

    @Test
    void startingAndDrainingWorkersAreNotAccepting() throws IOException {
        WorkerStatus starting = new WorkerStatus(1, 101, "starting", false, 0, 0, 0, 0, 0, 10, Snapshots.SPAWNED, 2, 0,
                0, 0);
        JsonNode w = render(new StatsJson(), snapshot(starting)).at("/workers/0");
        assertEquals(0, w.get("accepting").asInt());
        assertEquals("idle", w.get("status").asText());
        assertEquals(3, w.get("respawn_count").asLong());
    }

    @Test
    void deltaRequestsCountsSinceTheWorkersSpawnAsInUwsgi() throws IOException {
        StatsJson json = new StatsJson();
        JsonNode first = render(json, twoWorkers(10, 4));
        assertEquals(10, first.at("/workers/0/delta_requests").asLong());
        assertEquals(4, first.at("/workers/1/delta_requests").asLong());
        JsonNode again = render(json, twoWorkers(10, 4));
        assertEquals(10, again.at("/workers/0/delta_requests").asLong(), "a second reader sees the same numbers");
        // A respawned worker (new pid, counters from zero) counts from its own start.
        JsonNode respawned = render(json, snapshot(worker(1, 201, 2, 0), worker(2, 102, 4, 0)));
        assertEquals(2, respawned.at("/workers/0/delta_requests").asLong());
    }

    @Test
    void duringAReloadEachWorkerIdAppearsOnceTheAcceptingProcessWins() throws IOException {
        WorkerStatus old = new WorkerStatus(1, 101, "stopping", false, 50, 0, 0, 0, 0, 9_000, Snapshots.SPAWNED, 0,
                0, 100, 1);
        WorkerStatus fresh = new WorkerStatus(1, 301, "idle", true, 0, 0, 0, 0, 0, 10, Snapshots.SPAWNED + 60, 0, 0,
                0, 0);
        JsonNode doc = render(new StatsJson(), snapshot(old, fresh, worker(2, 102, 4, 0)));
        assertEquals(2, doc.get("workers").size());
        assertEquals(301, doc.at("/workers/0/pid").asLong());
        assertEquals(102, doc.at("/workers/1/pid").asLong());

        WorkerStatus notYetReady = new WorkerStatus(1, 302, "starting", false, 0, 0, 0, 0, 0, 10,
                Snapshots.SPAWNED + 60, 0, 0, 0, 0);
        WorkerStatus serving = worker(1, 101, 50, 0);
        JsonNode reloading = render(new StatsJson(), snapshot(serving, notYetReady));
        assertEquals(1, reloading.get("workers").size());
        assertEquals(101, reloading.at("/workers/0/pid").asLong());
    }

    @Test
    void rendersValidJsonWithNoWorkers() throws IOException {
        JsonNode doc = render(new StatsJson(), snapshot());
        assertTrue(doc.get("workers").isArray());
        assertTrue(doc.get("workers").isEmpty());
        assertEquals(2, doc.get("sockets").size());
    }
}
