package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Wait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** logto: one file for the master and its workers, reopened for logrotate, and after every reload. */
@ExtendWith(Diagnostics.class)
class LogsTest {

    @Test
    void logtoHoldsEveryLineAndIsReopenedOnCommandSignalAndReload() throws Exception {
        MaltProcess.Builder builder = MaltProcess.probe("logs");
        Path log = builder.path("logs.log");
        Endpoint http = Endpoint.freeTcp();
        try (MaltProcess malt = builder.httpSocket(http).option("logto", log.toString()).start()) {
            Map<Integer, Long> workers = malt.awaitFreshWorkers(1, List.of(), Duration.ofSeconds(60));
            assertEquals(200, RawHttp.get("/pid?first").send(http).status());
            awaitIn(log, "GET /pid?first => generated ");
            String text = Files.readString(log);
            assertTrue(text.contains("[logs master]"), "master lines are in the file:\n" + text);
            // The readiness probe made request 1; ours is a later one.
            assertTrue(Pattern.compile(Pattern.quote("[pid: " + workers.get(1) + "|worker: 1|req: ")
                    + "\\d+\\] 127\\.0\\.0\\.1 GET /pid\\?first => generated \\d+ bytes in \\d+ msecs \\(HTTP/1.1 200\\)")
                    .matcher(text).find(), "a uWSGI-style request line:\n" + text);

            rotateAndCheck(log, http, "reopen-command", () -> {
                MaltProcess.CliResult r = MaltProcess.cli("reopen-logs", "--ini", malt.ini().toString());
                assertEquals(0, r.exitCode(), r::stderr);
            });
            rotateAndCheck(log, http, "usr1", () -> malt.signal("USR1"));
            rotateAndCheck(log, http, "reload", () -> {
                Map<Integer, Long> before = malt.readyWorkers();
                malt.signal("HUP");
                malt.awaitFreshWorkers(1, before.values(), Duration.ofSeconds(90));
            });
        }
    }

    /** logrotate's move-then-reopen: after the trigger, new lines go to a new file at the old path. */
    private static void rotateAndCheck(Path log, Endpoint http, String tag, ThrowingRunnable trigger) throws Exception {
        Path rotated = log.resolveSibling(log.getFileName() + "." + tag);
        Files.move(log, rotated);
        trigger.run();
        Wait.until(Duration.ofSeconds(20), () -> Files.exists(log), () -> "no new " + log + " after " + tag);
        assertEquals(200, RawHttp.get("/pid?" + tag).send(http).status());
        awaitIn(log, "GET /pid?" + tag + " ");
        assertFalse(Files.readString(rotated).contains("GET /pid?" + tag + " "), "the rotated file gets no new lines");
    }

    private static void awaitIn(Path log, String text) {
        Wait.until(Duration.ofSeconds(20), () -> read(log).contains(text), () -> log + " never contained \"" + text
                + "\":\n" + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
