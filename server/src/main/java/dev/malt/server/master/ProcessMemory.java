package dev.malt.server.master;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's memory as Linux counts it, read from /proc by the master, so the worker spends nothing on it.
 *
 * <p>RSS counts every page the process has in memory, shared ones included, so the RSS of N workers adds up to
 * more than they use together. PSS divides each shared page among the processes that share it: the workers' PSS
 * adds up to what they cost the machine.
 */
final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Resident set size in bytes ({@code VmRSS}); -1 when the process is gone. */
    static long rssBytes(long pid) {
        return kilobytesLine(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
    }

    /** Virtual size in bytes ({@code VmSize}); -1 when the process is gone. */
    static long vszBytes(long pid) {
        return kilobytesLine(Path.of("/proc", Long.toString(pid), "status"), "VmSize:");
    }

    /**
     * Proportional set size in bytes, from {@code smaps_rollup} (Linux 4.14+); -1 when the process is gone or the
     * kernel does not let this process read it. The kernel walks the process's page tables for it: about a
     * millisecond for a worker JVM, so it is read when someone asks (stats, a scrape), not on the master's loop.
     */
    static long pssBytes(long pid) {
        return kilobytesLine(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
    }

    /** The value of a "Name:   123 kB" line, in bytes; -1 when the file or the line is not there. */
    static long kilobytesLine(Path file, String field) {
        try {
            for (String line : Files.readAllLines(file)) {
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
