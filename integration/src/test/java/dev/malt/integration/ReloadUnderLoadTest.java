package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.Wait;
import dev.malt.integration.support.Wrk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bar of issue #3: with wrk driving 64 connections through real nginx to a unix socket, ten
 * reloads in a row, by every trigger an operator has, give no failed request at all. After each, the
 * master says that the reload is complete, which kind it was, what triggered it and how long it took.
 */
@ExtendWith(Diagnostics.class)
class ReloadUnderLoadTest {

    @Test
    void tenReloadsUnderLoadLoseNoRequest() throws Exception {
        MaltProcess.Builder builder = MaltProcess.probe("reload");
        Path touch = builder.path("reload.touch");
        Path chainTouch = builder.path("chain.touch");
        Endpoint socket = Endpoint.unix(builder.path("app.sock"));
        try (MaltProcess malt = builder.option("workers", "2").socket(socket)
                .option("touch-reload", touch.toString())
                .option("touch-chain-reload", chainTouch.toString())
                .option("disable-logging", "true")
                .start();
             Nginx nginx = Nginx.to(socket).start()) {
            Map<Integer, Long> workers = malt.awaitFreshWorkers(2, List.of(), Duration.ofSeconds(60));

            List<String> timings = new ArrayList<>();
            try (Wrk wrk = Wrk.start(nginx.endpoint(), "/pid", 64, 600)) {
                malt.awaitRequestsServed(null, malt.requestsServed(null) + 200, Duration.ofSeconds(60)); // load flows
                for (int i = 0; i < 10; i++) {
                    String trigger = trigger(i, malt, touch, chainTouch);
                    long start = System.nanoTime();
                    workers = malt.awaitFreshWorkers(2, workers.values(), Duration.ofSeconds(90));
                    timings.add(trigger + " " + (System.nanoTime() - start) / 1_000_000 + " ms");
                    String complete = awaitReloadComplete(malt, i + 1);
                    String kind = trigger.equals("touch-chain-reload") ? "chain" : "graceful";
                    assertTrue(complete.contains("(" + kind + " reload of ") && complete.endsWith(", " + trigger + ")"),
                            complete);
                    timings.add("(master: " + complete.substring(complete.indexOf("reload complete")) + ")");
                    assertTrue(wrk.isRunning(), "the load must last through every reload");
                }
                malt.awaitRequestsServed(null, 200, Duration.ofSeconds(60)); // and reaches the last workers too
                Wrk.Result result = wrk.stop();
                System.out.println("reload durations (trigger to all new workers ready): " + timings);
                System.out.println("load during the reloads: " + result.requests() + " requests, "
                        + result.requestsPerSecond() + " req/s\n" + result.text());
                assertTrue(result.requests() > 0, result.text());
                assertEquals(0, result.non2xx(), () -> "non-2xx responses during reloads:\n" + result.text());
                assertEquals(0, result.socketErrors(), () -> "socket errors during reloads:\n" + result.text());
            }
        }
    }

    /**
     * The master's line for reload number {@code count}: every worker replaced, and how long it took. It is
     * logged once the last new worker is ready, before the old ones have finished, so it may trail a little.
     */
    static String awaitReloadComplete(MaltProcess malt, int count) {
        Wait.until(Duration.ofSeconds(60), () -> completions(malt).size() >= count,
                () -> "the master never said that reload " + count + " was complete; last lines:\n" + malt.outputTail(30));
        List<String> lines = completions(malt);
        assertEquals(count, lines.size(), () -> "one line per reload:\n" + String.join("\n", lines));
        String line = lines.get(count - 1);
        assertTrue(line.matches(".*reload complete: 2 workers replaced in \\d+ ms \\(.*"), line);
        return line;
    }

    private static List<String> completions(MaltProcess malt) {
        return malt.output().lines().filter(line -> line.contains("reload complete:")).toList();
    }

    /** Cycles through the four triggers: touch-reload, SIGHUP, malt reload, touch-chain-reload. */
    private static String trigger(int i, MaltProcess malt, Path touch, Path chainTouch) throws IOException {
        switch (i % 4) {
            case 0 -> {
                touchFile(touch);
                return "touch-reload";
            }
            case 1 -> {
                malt.signal("HUP");
                return "SIGHUP";
            }
            case 2 -> {
                MaltProcess.CliResult result = MaltProcess.cli("reload", "--ini", malt.ini().toString());
                assertEquals(0, result.exitCode(), result::stderr);
                return "malt reload";
            }
            default -> {
                touchFile(chainTouch);
                return "touch-chain-reload";
            }
        }
    }

    static void touchFile(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(1)));
        } else {
            Files.createFile(file);
        }
    }
}
