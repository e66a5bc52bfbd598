package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.Json;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Wait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stats socket of a running app answers each connection with uWSGI's stats document. */
@ExtendWith(Diagnostics.class)
class StatsTest {

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void statsSocketServesUwsgiStatsJson() throws Exception {
        Endpoint http = Endpoint.freeTcp();
        Endpoint stats = Endpoint.freeTcp();
        Endpoint uwsgi = Endpoint.freeTcp();
        // ready when the uwsgi socket answers a ping, which is no request: the app serves only the test's five
        try (MaltProcess malt = MaltProcess.probe("stats").option("workers", "2").httpSocket(http).socket(uwsgi)
                .readyOn(uwsgi, false).option("stats", stats.iniValue()).start()) {
            Map<Integer, Long> workers = malt.awaitFreshWorkers(2, List.of(), Duration.ofSeconds(60));
            for (int i = 0; i < 5; i++) {
                assertEquals(200, RawHttp.get("/pid").send(http).status());
            }
            // the counters travel with the once-a-second heartbeat: wait until they show the five
            Map<String, Object>[] last = new Map[1];
            Wait.until(Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
                last[0] = Json.parseObject(read(stats));
                long served = totalRequests(last[0]);
                assertTrue(served <= 5, () -> "more requests than the test sent: " + served);
                return served == 5;
            }, () -> "the stats never counted the 5 requests: " + last[0]);
            Map<String, Object> doc = last[0];
            for (String key : List.of("version", "listen_queue", "listen_queue_errors", "pid", "uid", "gid", "cwd",
                    "sockets", "workers")) {
                assertTrue(doc.containsKey(key), () -> "top-level key " + key + " in " + doc.keySet());
            }
            assertEquals(malt.pid(), ((Number) doc.get("pid")).longValue());
            List<Map<String, Object>> sockets = (List<Map<String, Object>>) (List<?>) doc.get("sockets");
            assertEquals(http.iniValue(), sockets.get(0).get("name"));
            assertEquals("http", sockets.get(0).get("proto"));
            List<Map<String, Object>> list = (List<Map<String, Object>>) (List<?>) doc.get("workers");
            assertEquals(2, list.size());
            long total = 0;
            for (Map<String, Object> worker : list) {
                for (String key : List.of("id", "pid", "accepting", "requests", "delta_requests", "exceptions",
                        "harakiri_count", "status", "rss", "vsz", "running_time", "last_spawn", "respawn_count", "tx",
                        "avg_rt", "cores")) {
                    assertTrue(worker.containsKey(key), () -> "worker key " + key + " in " + worker.keySet());
                }
                assertTrue(workers.containsValue(((Number) worker.get("pid")).longValue()));
                assertTrue(((Number) worker.get("rss")).longValue() > 0, "rss in bytes");
                total += ((Number) worker.get("requests")).longValue();
            }
            assertEquals(5, total, "requests over both workers");
        }
    }

    @SuppressWarnings("unchecked")
    private static long totalRequests(Map<String, Object> doc) {
        return ((List<Map<String, Object>>) (List<?>) doc.get("workers")).stream()
                .mapToLong(w -> ((Number) w.get("requests")).longValue()).sum();
    }

    private static String read(Endpoint stats) {
        try (Socket socket = new Socket(stats.host(), stats.port())) {
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the stats socket " + stats, e);
        }
    }
}
