package dev.malt.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/** Renders the control socket's status JSON as the table {@code malt status} prints. */
final class StatusTable {

    private StatusTable() {
    }

    static String render(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            return json;
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-20s %-10s %8s %9s %10s  %s%n", "APP", "STATE", "PID", "WORKERS", "REQUESTS",
                "LAST ERROR"));
        for (JsonNode app : root.path("apps")) {
            int ready = 0;
            for (JsonNode worker : app.path("workers")) {
                if (worker.path("accepting").asBoolean()) {
                    ready++;
                }
            }
            out.append(String.format("%-20s %-10s %8d %4d/%-4d %10d  %s%n", app.path("appName").asText(),
                    app.path("state").asText(), app.path("masterPid").asLong(), ready, app.path("workers").size(),
                    app.path("workers").findValues("requests").stream().mapToLong(JsonNode::asLong).sum(),
                    app.path("lastError").asText("")));
            for (JsonNode worker : app.path("workers")) {
                out.append(String.format("  worker %-3d pid %-8d %-9s requests %-8d rss %5d MB  respawns %d%n",
                        worker.path("id").asInt(), worker.path("pid").asLong(), worker.path("state").asText(),
                        worker.path("requests").asLong(), worker.path("rssBytes").asLong() >> 20,
                        worker.path("respawnCount").asLong()));
            }
        }
        return out.toString().stripTrailing();
    }
}
