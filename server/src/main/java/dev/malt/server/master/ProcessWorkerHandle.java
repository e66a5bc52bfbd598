package dev.malt.server.master;

import java.util.concurrent.CompletableFuture;

/** A real worker process. Memory figures come from /proc, so reading them costs the worker nothing. */
final class ProcessWorkerHandle implements WorkerHandle {

    private final Process process;
    private final CompletableFuture<Integer> exit;

    ProcessWorkerHandle(Process process) {
        this.process = process;
        this.exit = process.onExit().thenApply(Process::exitValue);
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    @Override
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void dumpThreads() {
        Signals.send(process.pid(), "QUIT");
    }

    @Override
    public long rssBytes() {
        return ProcessMemory.rssBytes(process.pid());
    }

    @Override
    public long vszBytes() {
        return ProcessMemory.vszBytes(process.pid());
    }

    @Override
    public long cpuMillis() {
        return process.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }
}
