package dev.malt.server.master;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Hands out {@link FakeWorker}s with increasing pids, or fails like a launcher with a bad java-home. */
final class FakeLauncher implements WorkerLauncher {

    final List<FakeWorker> launched = new ArrayList<>();
    int attempts;
    private long nextPid = 1000;
    private IOException failure;

    @Override
    public WorkerHandle launch(int slot) throws IOException {
        attempts++;
        if (failure != null) {
            throw failure;
        }
        FakeWorker worker = new FakeWorker(slot, nextPid++);
        launched.add(worker);
        return worker;
    }

    /** Every launch from now on throws {@code failure}; null heals the launcher. */
    void failWith(IOException failure) {
        this.failure = failure;
    }

    FakeWorker last() {
        return launched.get(launched.size() - 1);
    }

    List<Integer> slots() {
        return launched.stream().map(w -> w.slot).toList();
    }
}
