package dev.malt.server.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.malt.server.status.MasterStatus;
import dev.malt.server.status.MasterStatus.WorkerStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Renders a {@link StatsSnapshot} as uWSGI 2.0's stats document: the same keys, in the same order, with the same
 * JSON types and units, so uwsgitop and other uWSGI stats readers work unchanged.
 *
 * <p>Where Malt's model differs from uWSGI's:
 * <ul>
 *   <li>{@code delta_requests} counts a worker's requests since its spawn, as uWSGI does; a Malt worker's own
 *       counter starts at its spawn, so it equals {@code requests}. Readers stay independent of each other.</li>
 *   <li>During a reload a slot briefly has two processes. uWSGI never shows two workers with one id, so the
 *       accepting one (else the newest) is shown.</li>
 *   <li>{@code status} uses uWSGI's words: {@code "busy"} while a request runs, else {@code "idle"}. A worker that
 *       is starting or draining shows {@code accepting: 0}.</li>
 *   <li>{@code running_time} is the time spent serving requests, in microseconds, as in uWSGI: here
 *       {@code avg_rt × requests}, which is exact up to rounding because Malt's {@code avg_rt} is a true mean.</li>
 *   <li>{@code respawn_count} counts spawns of the slot, the first one included, as uWSGI does.</li>
 *   <li>Each worker shows one app and one core that sums all of its threads.</li>
 *   <li>Malt adds, after uWSGI's keys: {@code state} (starting, idle, busy or stopping) and, where it knows
 *       them, {@code pss} (bytes, from /proc: what the worker costs, its shared pages
 *       divided among their sharers), {@code p99_rt} (microseconds, over the worker's life) and {@code rt_histogram}
 *       (its latencies in fixed buckets: {@code bounds_us}, and {@code counts} with one more for slower requests),
 *       which {@code malt top} subtracts between two reads for the latencies of the last seconds.</li>
 * </ul>
 *
 * <p>Instances are thread-safe.
 */
public final class StatsJson {

    /** Made on the first stats request: a master that nobody asks for stats never loads Jackson's databind. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
        static final ObjectWriter WRITER = MAPPER.writerWithDefaultPrettyPrinter();
    }

    private final String version;
    private final long uid;
    private final long gid;
    private final String cwd;

    /** A renderer that reports this JVM's uid, gid, working directory and Malt's version. */
    public StatsJson() {
        this(maltVersion(), procSelfId("unix:uid"), procSelfId("unix:gid"), System.getProperty("user.dir"));
    }

    StatsJson(String version, long uid, long gid, String cwd) {
        this.version = version;
        this.uid = uid;
        this.gid = gid;
        this.cwd = cwd;
    }

    /** One stats document, UTF-8. */
    public byte[] render(StatsSnapshot snapshot) {
        try {
            return Json.WRITER.writeValueAsBytes(tree(snapshot));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render stats", e); // a tree of plain nodes always renders
        }
    }

    private ObjectNode tree(StatsSnapshot snapshot) {
        MasterStatus master = snapshot.master();
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", version);
        root.put("listen_queue", snapshot.listenQueue());
        root.put("listen_queue_errors", snapshot.listenQueueErrors());
        root.put("signal_queue", 0);
        root.put("load", snapshot.listenQueue()); // uWSGI sets load to the listen queue too
        root.put("pid", master.masterPid());
        root.put("uid", uid);
        root.put("gid", gid);
        root.put("cwd", cwd);
        root.putArray("locks");

        ArrayNode sockets = root.putArray("sockets");
        for (StatsSnapshot.Socket socket : snapshot.sockets()) {
            ObjectNode s = sockets.addObject();
            s.put("name", socket.name());
            s.put("proto", socket.proto());
            s.put("queue", socket.queue());
            s.put("max_queue", socket.maxQueue());
            s.put("shared", 0);
            s.put("can_offload", 0);
        }

        ArrayNode workers = root.putArray("workers");
        for (WorkerStatus w : onePerSlot(master.workers())) {
            worker(workers.addObject(), w, w.requests(), snapshot.detail(w.pid()));
        }
        if (snapshot.cache() != null) {
            cache(root.putObject("cache"), snapshot.cache());
        }
        return root;
    }

    /**
     * The answer to the control socket's {@code stats}: {@code {"kind": KIND, "apps": [DOC...]}}, each app's stats
     * document with its {@code app} name, {@code state} and {@code last_error} added ({@code malt top} reads it).
     */
    public byte[] renderApps(String kind, List<StatsSnapshot> apps) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("kind", kind);
        ArrayNode list = root.putArray("apps");
        for (StatsSnapshot snapshot : apps) {
            ObjectNode app = list.addObject();
            app.put("app", snapshot.master().appName());
            app.put("state", snapshot.master().state());
            app.put("last_error", snapshot.master().lastError());
            app.setAll(tree(snapshot));
        }
        try {
            return Json.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render stats", e); // a tree of plain nodes always renders
        }
    }

    private static void worker(ObjectNode o, WorkerStatus w, long deltaRequests, StatsSnapshot.WorkerDetail detail) {
        o.put("id", w.id());
        o.put("pid", w.pid());
        o.put("accepting", w.accepting() ? 1 : 0);
        o.put("requests", w.requests());
        o.put("delta_requests", deltaRequests);
        o.put("exceptions", w.exceptions());
        o.put("harakiri_count", w.harakiriCount());
        o.put("signals", 0);
        o.put("signal_queue", 0);
        o.put("status", w.busy() > 0 ? "busy" : "idle");
        o.put("rss", w.rssBytes());
        o.put("vsz", w.vszBytes());
        o.put("running_time", w.avgRtMicros() * w.requests());
        o.put("last_spawn", w.lastSpawnEpochSeconds());
        o.put("respawn_count", w.respawnCount() + 1);
        o.put("tx", w.txBytes());
        o.put("avg_rt", w.avgRtMicros());

        ObjectNode app = o.putArray("apps").addObject();
        app.put("id", 0);
        app.put("modifier1", 0);
        app.put("mountpoint", "");
        app.put("startup_time", 0);
        app.put("requests", w.requests());
        app.put("exceptions", w.exceptions());
        app.put("chdir", "");

        ObjectNode core = o.putArray("cores").addObject();
        core.put("id", 0);
        core.put("requests", w.requests());
        core.put("static_requests", 0);
        core.put("routed_requests", 0);
        core.put("offloaded_requests", 0);
        core.put("write_errors", 0);
        core.put("read_errors", 0);
        core.put("in_request", w.busy() > 0 ? 1 : 0);
        core.putArray("vars");
        core.putObject("req_info");

        // Malt's own keys, after uWSGI's
        o.put("state", w.state()); // starting, idle, busy or stopping
        if (detail.pssBytes() >= 0) {
            o.put("pss", detail.pssBytes());
        }
        LatencyHistogram latency = detail.latency();
        if (latency != null) {
            if (latency.count() > 0) {
                o.put("p99_rt", Math.round(latency.quantile(0.99) * 1e6));
            }
            ObjectNode histogram = o.putObject("rt_histogram");
            ArrayNode bounds = histogram.putArray("bounds_us");
            for (int i = 0; i < latency.bounds().length - 1; i++) {
                bounds.add(Math.round(latency.bounds()[i] * 1e6));
            }
            ArrayNode counts = histogram.putArray("counts");
            for (long count : latency.counts()) {
                counts.add(count);
            }
        }
    }

    /**
     * Malt's response cache (uWSGI's cache stats differ: they describe its shared-memory slots). Counters the
     * backend cannot know (bytes and evictions in Redis) are left out rather than shown as 0.
     */
    private static void cache(ObjectNode o, dev.malt.server.cache.CacheStats c) {
        o.put("backend", c.backend());
        o.put("hits", c.hits());
        o.put("misses", c.misses());
        o.put("passes", c.passes());
        o.put("stores", c.stores());
        o.put("coalesced", c.coalesced());
        if (c.evictions() >= 0) {
            o.put("evictions", c.evictions());
        }
        if (c.items() >= 0) {
            o.put("items", c.items());
        }
        if (c.bytes() >= 0) {
            o.put("bytes", c.bytes());
        }
        o.put("errors", c.errors());
    }

    /** One process per worker id: the accepting one, else the most recently spawned (the later one on a tie). */
    static List<WorkerStatus> onePerSlot(List<WorkerStatus> workers) {
        Map<Integer, WorkerStatus> chosen = new LinkedHashMap<>();
        for (WorkerStatus w : workers) {
            chosen.merge(w.id(), w, (old, candidate) -> {
                if (old.accepting() != candidate.accepting()) {
                    return old.accepting() ? old : candidate;
                }
                return candidate.lastSpawnEpochSeconds() >= old.lastSpawnEpochSeconds() ? candidate : old;
            });
        }
        List<WorkerStatus> result = new ArrayList<>(chosen.values());
        result.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return result;
    }

    /** The owner of /proc/self: this process's effective uid or gid (Malt runs on Linux only). */
    private static long procSelfId(String attribute) {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), attribute)).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    private static String maltVersion() {
        String version = StatsJson.class.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        try (InputStream in = StatsJson.class.getResourceAsStream("/META-INF/maven/dev.malt/malt-server/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "dev");
            }
        } catch (IOException | UncheckedIOException e) {
            // a missing version must not break the stats server
        }
        return "dev";
    }
}
