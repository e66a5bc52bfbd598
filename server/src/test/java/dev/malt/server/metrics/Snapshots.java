package dev.malt.server.metrics;

import dev.malt.server.status.MasterStatus;
import dev.malt.server.status.MasterStatus.WorkerStatus;

import java.util.List;

/** Snapshots for the metrics tests. */
final class Snapshots {

    static final long MASTER_PID = 4242;
    static final long SPAWNED = 1_795_773_840L;

    private Snapshots() {
    }

    static WorkerStatus worker(int id, long pid, long requests, int busy) {
        return new WorkerStatus(id, pid, busy > 0 ? "busy" : "idle", true, requests, 1, 0,
                64L * 1024 * 1024, 2L * 1024 * 1024 * 1024, 5_000, SPAWNED, 0, 51 * requests, 300, busy);
    }

    static StatsSnapshot snapshot(WorkerStatus... workers) {
        MasterStatus master = new MasterStatus("shop", MASTER_PID, "running", SPAWNED * 1000, List.of(workers), "",
                false);
        return new StatsSnapshot(master, List.of(
                new StatsSnapshot.Socket("127.0.0.1:3031", "uwsgi", 0, 100),
                new StatsSnapshot.Socket("/run/malt/app/shop.sock", "http", 3, 1024)), 3, 1);
    }

    static StatsSnapshot twoWorkers(long requests1, long requests2) {
        return snapshot(worker(1, 101, requests1, 0), worker(2, 102, requests2, 1));
    }
}
