package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Wait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The master keeps its pool alive: real worker JVMs, real SIGKILLs. Times are printed, not asserted. */
@ExtendWith(Diagnostics.class)
class SupervisionTest {

    @Test
    void aKilledWorkerIsRespawnedWhileTheOtherKeepsServing() {
        Endpoint http = Endpoint.freeTcp();
        try (MaltProcess malt = MaltProcess.probe("respawn").option("workers", "2").httpSocket(http).start()) {
            Map<Integer, Long> workers = malt.awaitFreshWorkers(2, List.of(), Duration.ofSeconds(60));
            long victim = workers.get(1);
            long killedAt = System.nanoTime();
            ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);

            long[] spawnedAfter = {-1};
            Wait.until(Duration.ofSeconds(30), Duration.ofMillis(20), () -> {
                boolean fresh = workerPids(malt).stream().anyMatch(pid -> !workers.containsValue(pid));
                if (fresh && spawnedAfter[0] < 0) {
                    spawnedAfter[0] = (System.nanoTime() - killedAt) / 1_000_000;
                }
                return fresh;
            }, () -> "no new worker process after SIGKILL of " + victim);
            for (int i = 0; i < 20; i++) {
                HttpResponse response = RawHttp.get("/pid").send(http);
                assertEquals(200, response.status(), response::toString);
            }
            Map<Integer, Long> after = malt.awaitFreshWorkers(2, List.of(victim), Duration.ofSeconds(60));
            long readyAfter = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("respawn after SIGKILL: new process after " + spawnedAfter[0] + " ms, ready after "
                    + readyAfter + " ms");
            assertNotEquals(victim, after.get(1));
            assertEquals(workers.get(2), after.get(2), "the other worker was not touched");
            assertEquals(1L, respawns(malt, 1), "worker 1's respawn count");
            malt.awaitOutputLine(Duration.ofSeconds(10), "worker 1 (pid " + victim + ")", "died", "signal 9");
        }
    }

    @Test
    void workersExitWhenTheirMasterIsKilled() {
        Endpoint http = Endpoint.freeTcp();
        try (MaltProcess malt = MaltProcess.probe("orphans").option("workers", "2").httpSocket(http).start()) {
            Map<Integer, Long> workers = malt.awaitFreshWorkers(2, List.of(), Duration.ofSeconds(60));
            long killedAt = System.nanoTime();
            malt.signal("KILL");
            Wait.until(Duration.ofSeconds(10), Duration.ofMillis(20),
                    () -> workers.values().stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)),
                    () -> "workers " + workers.values() + " outlived their master by 10 s");
            System.out.println("workers exited " + (System.nanoTime() - killedAt) / 1_000_000
                    + " ms after SIGKILL of their master");
        }
    }

    @Test
    void anAppThatFailsAtBootIsReportedOnceAndRetriedWithBackoff() throws Exception {
        Endpoint http = Endpoint.freeTcp();
        try (MaltProcess malt = MaltProcess.builder("broken")
                .option("servlet", "dev.malt.samples.NoSuchServlet")
                .option("classpath", dev.malt.integration.support.Tools.samplesJar().toString())
                .httpSocket(http).startUnready()) {
            malt.awaitOutput("failed to start", Duration.ofSeconds(60));
            long cpuBefore = cpuMillis(malt.pid());
            // three attempts, each logged by its worker, however long the machine takes to boot them
            Wait.until(Duration.ofSeconds(120), () -> attemptTimes(malt.output()).size() >= 3,
                    () -> "fewer than 3 boot attempts:\n" + malt.outputTail(40));
            long cpuAfter = cpuMillis(malt.pid());
            String output = malt.output();
            List<LocalDateTime> attempts = attemptTimes(output);
            long firstGap = Duration.between(attempts.get(0), attempts.get(1)).toMillis();
            long secondGap = Duration.between(attempts.get(1), attempts.get(2)).toMillis();
            System.out.println("boot failure: attempts " + firstGap + " ms and " + secondGap + " ms apart, master CPU "
                    + (cpuAfter - cpuBefore) + " ms meanwhile");
            long reports = output.lines().filter(l -> l.contains("failed to start")).count();
            assertEquals(1, reports, () -> "the cause is reported once:\n" + output);
            assertTrue(output.contains("dev.malt.samples.NoSuchServlet"), output);
            // each retry waits out its backoff (1 s, then 2 s) after the failure before; booting adds to that
            assertTrue(firstGap >= 1000, () -> "the second attempt came " + firstGap + " ms after the first:\n" + output);
            assertTrue(secondGap >= 2000, () -> "the third attempt came " + secondGap + " ms after the second:\n"
                    + output);
            Map<String, Object> status = malt.status();
            assertEquals("throttled", status.get("state"));
            assertTrue(String.valueOf(status.get("lastError")).contains("NoSuchServlet"), status::toString);
            assertTrue(malt.isAlive(), "the master stays up and keeps the socket");
        }
    }

    /** When each "cannot load the app" line was written, from its timestamp. */
    static List<LocalDateTime> attemptTimes(String output) {
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        return output.lines().filter(l -> l.contains("cannot load the app") && l.length() > 23)
                .map(l -> LocalDateTime.parse(l.substring(0, 23), format)).toList();
    }

    @SuppressWarnings("unchecked")
    static List<Long> workerPids(MaltProcess malt) {
        return ((List<Object>) malt.status().get("workers")).stream()
                .map(w -> ((Number) ((Map<String, Object>) w).get("pid")).longValue()).toList();
    }

    @SuppressWarnings("unchecked")
    static long respawns(MaltProcess malt, int slot) {
        return ((List<Object>) malt.status().get("workers")).stream()
                .map(w -> (Map<String, Object>) w)
                .filter(w -> ((Number) w.get("id")).intValue() == slot)
                .mapToLong(w -> ((Number) w.get("respawnCount")).longValue()).max().orElse(-1);
    }

    /** User plus system CPU time of a process, from /proc/PID/stat (clock ticks of 10 ms). */
    static long cpuMillis(long pid) throws IOException {
        String stat = Files.readAllLines(Path.of("/proc/" + pid + "/stat")).get(0);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }
}
