package dev.malt.server.master;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        return statusField(process.pid(), "VmRSS:");
    }

    @Override
    public long vszBytes() {
        return statusField(process.pid(), "VmSize:");
    }

    /** A "kB" line of /proc/PID/status, in bytes; -1 if the process is gone or the field is absent. */
    static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
