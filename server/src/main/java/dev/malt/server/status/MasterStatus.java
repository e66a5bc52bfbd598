package dev.malt.server.status;

import java.util.List;

/**
 * A snapshot of one app's master, for {@code malt status} and the stats server.
 *
 * @param state     running, reloading, stopping or stopped
 * @param lastError the last boot failure or crash, or empty
 */
public record MasterStatus(String appName, long masterPid, String state, long startedAtEpochMillis,
                           List<WorkerStatus> workers, String lastError, boolean throttled) {

    /** One worker process; there can briefly be two per slot during a reload. */
    public record WorkerStatus(int id, long pid, String state, boolean accepting, long requests, long exceptions,
                               long harakiriCount, long rssBytes, long vszBytes, long runningMillis,
                               long lastSpawnEpochSeconds, long respawnCount, long txBytes, long avgRtMicros,
                               int busy) {
    }

    /** Made on the first status request: a master that nobody asks never loads Jackson's databind. */
    private static final class Json {
        static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
    }

    /**
     * What a control socket answers to {@code status}: {@code {"kind": KIND, "apps": [...]}}, the same shape
     * from a master ({@code app}) and from an emperor ({@code emperor}); {@code malt status} renders it.
     */
    public static String toJson(String kind, List<MasterStatus> apps) {
        try {
            return Json.MAPPER.writeValueAsString(java.util.Map.of("kind", kind, "apps", apps));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render a status", e); // records of plain values always render
        }
    }

    /**
     * Whether the app has settled, as systemd's READY=1 needs to know: "running" once {@code workers} workers
     * accept, "failing" when they cannot start (it backs off), "broken" or "stopped" as reported; empty while it
     * starts, reloads or stops.
     */
    public java.util.Optional<String> settled(int expectedWorkers) {
        return switch (state) {
            case "running" -> workers.stream().filter(WorkerStatus::accepting).count() >= expectedWorkers
                    ? java.util.Optional.of("running") : java.util.Optional.empty();
            case "reloading", "stopping" -> java.util.Optional.empty();
            case "throttled" -> java.util.Optional.of("failing");
            default -> java.util.Optional.of(state);
        };
    }

    public long totalRequests() {
        return workers.stream().mapToLong(WorkerStatus::requests).sum();
    }
}
