package dev.malt.server.master;

import dev.malt.server.control.ControlCommands;
import dev.malt.server.logging.LogSink;
import dev.malt.server.status.MasterStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The control commands of a standalone master: its one app, and its log. */
final class MasterControl implements ControlCommands {

    private final Master master;
    private final LogSink sink;
    private final dev.malt.server.metrics.StatsJson statsJson = new dev.malt.server.metrics.StatsJson();

    MasterControl(Master master, LogSink sink) {
        this.master = master;
        this.sink = sink;
    }

    @Override
    public CompletableFuture<String> execute(String command, String app) {
        String name = master.config().appName();
        if (command.equals("cache-purge")) {
            dev.malt.server.cache.PurgeRequest purge = dev.malt.server.cache.PurgeRequest.parse(app);
            if (!purge.app().isEmpty() && !purge.app().equals(name)) {
                throw new IllegalArgumentException("this master runs app '" + name + "', not '" + purge.app() + "'");
            }
            return master.purgeCache(purge.prefix()).thenApply(removed -> purge.withApp(name).answer(removed));
        }
        if (!app.isEmpty() && !app.equals(name)) {
            throw new IllegalArgumentException("this master runs app '" + name + "', not '" + app + "'");
        }
        switch (command) {
            case "reload" -> master.post(new MasterEvent.Reload(false, "malt reload"));
            case "chain-reload" -> master.post(new MasterEvent.Reload(true, "malt chain-reload"));
            case "stop" -> master.post(new MasterEvent.Stop("malt stop"));
            case "reopen-logs" -> {
                try {
                    sink.reopen();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot reopen " + sink.path() + ": " + e.getMessage(), e);
                }
                return CompletableFuture.completedFuture("reopened the log of " + name);
            }
            case "status" -> {
                return master.status().thenApply(status -> MasterStatus.toJson("app", List.of(status)));
            }
            case "stats" -> {
                return master.statsSnapshot().thenApply(stats -> new String(statsJson.renderApps("app", List.of(stats)),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
            default -> throw new IllegalArgumentException("unknown command '" + command
                    + "'; use reload, chain-reload, stop, status, stats, reopen-logs or cache-purge");
        }
        return CompletableFuture.completedFuture(command + ": " + name);
    }
}
