package dev.malt.server.worker;

import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where a worker's time from spawn to ready went, logged at debug level once it is ready: the JVM's own boot (from
 * the JVM's start to {@code main}), then each step of {@link WorkerMain} in turn, as wall time and as CPU time of
 * the whole process (class loading and the JIT compilers run beside the main thread).
 */
final class StartupPhases {

    private static final Path SELF_STAT = Path.of("/proc/self/stat");
    private static final long TICK_MILLIS = 10; // USER_HZ is 100 on every Linux port Malt runs on

    private final long mainNanos = System.nanoTime();
    private final long mainEpochMillis = System.currentTimeMillis();
    private final long mainCpuMillis = cpuMillis();
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder besides = new StringBuilder();
    private long lastNanos = mainNanos;
    private long lastCpuMillis = mainCpuMillis;

    /** Marks the end of a step that began where the previous one ended. */
    synchronized void mark(String step) {
        long now = System.nanoTime();
        long cpu = cpuMillis();
        line.append(", ").append(step).append(' ').append(TimeUnit.NANOSECONDS.toMillis(now - lastNanos))
                .append(" ms (cpu ").append(cpu - lastCpuMillis).append(')');
        lastNanos = now;
        lastCpuMillis = cpu;
    }

    /** A step that ran on another thread, beside the others, for {@code nanos}. */
    synchronized void aside(String step, long nanos) {
        besides.append(", ").append(step).append(' ').append(TimeUnit.NANOSECONDS.toMillis(nanos)).append(" ms");
    }

    synchronized void log(Logger log) {
        if (log.isDebugEnabled()) {
            // Only now, and only for debug: the management classes cost a worker tens of milliseconds to load.
            long bootMillis = mainEpochMillis - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            log.debug("startup: jvm boot {} ms (cpu {}){}; since main {} ms (cpu {}); beside them{}", bootMillis,
                    mainCpuMillis, line, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - mainNanos),
                    lastCpuMillis - mainCpuMillis, besides);
        }
    }

    /** User and system CPU time of this process so far, or -1 where /proc cannot tell. */
    static long cpuMillis() {
        try {
            String stat = Files.readString(SELF_STAT);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_MILLIS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
