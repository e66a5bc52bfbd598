package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signals and the control commands, on real processes. */
@ExtendWith(Diagnostics.class)
class SignalsAndControlTest {

    @Test
    void sigtermLetsInFlightRequestsFinishThenExitsZeroAndVacuums() throws Exception {
        MaltProcess.Builder builder = MaltProcess.probe("term");
        Path pidfile = builder.path("term.pid");
        Endpoint http = Endpoint.freeTcp();
        Endpoint socket = Endpoint.unix(builder.path("term.sock"));
        try (MaltProcess malt = builder.httpSocket(http).socket(socket).option("pidfile", pidfile.toString())
                .option("vacuum", "true").start()) {
            assertEquals(Long.toString(malt.pid()), Files.readString(pidfile).trim(), "the pidfile names the master");
            // long enough that the worker's heartbeat reports it running before it ends, on a loaded machine too
            CompletableFuture<HttpResponse> inFlight = CompletableFuture.supplyAsync(() ->
                    RawHttp.get("/sleep?ms=15000").timeout(Duration.ofSeconds(60)).send(http));
            malt.awaitBusyWorker(Duration.ofSeconds(10));
            assertFalse(inFlight.isDone(), "the request is still in flight at SIGTERM");
            malt.signal("TERM");
            assertEquals(200, inFlight.join().status(), "the request in flight at SIGTERM finishes");
            int exitCode = malt.awaitExit(Duration.ofSeconds(60));
            assertEquals(0, exitCode, "exit code after SIGTERM");
            assertFalse(Files.exists(pidfile), "vacuum removes the pidfile");
            assertFalse(Files.exists(socket.path()), "vacuum removes the unix socket");
            assertTrue(malt.children().isEmpty(), "no worker is left");
        }
    }

    @Test
    void sigintStopsGracefullyToo() {
        Endpoint http = Endpoint.freeTcp();
        try (MaltProcess malt = MaltProcess.probe("int").httpSocket(http).start()) {
            malt.signal("INT");
            int exitCode = malt.awaitExit(Duration.ofSeconds(60));
            assertEquals(0, exitCode, "exit code after SIGINT");
        }
    }

    @Test
    void controlCommandsFindTheAppByPidfileIniOrName() {
        MaltProcess.Builder builder = MaltProcess.probe("ctl");
        Path pidfile = builder.path("ctl.pid");
        Endpoint http = Endpoint.freeTcp();
        try (MaltProcess malt = builder.option("workers", "2").httpSocket(http).option("pidfile", pidfile.toString())
                .start()) {
            Map<Integer, Long> workers = malt.awaitFreshWorkers(2, List.of(), Duration.ofSeconds(60));

            MaltProcess.CliResult status = MaltProcess.cli("status", "--pidfile", pidfile.toString());
            assertEquals(0, status.exitCode(), status::stderr);
            assertTrue(status.stdout().contains("ctl") && status.stdout().contains("running"), status.stdout());
            assertTrue(status.stdout().contains("pid " + workers.get(1)), status.stdout());

            MaltProcess.CliResult reload = MaltProcess.cli("reload", "--pidfile", pidfile.toString());
            assertEquals(0, reload.exitCode(), reload::stderr);
            malt.awaitFreshWorkers(2, workers.values(), Duration.ofSeconds(90));

            MaltProcess.CliResult byName = MaltProcess.cli("chain-reload", "ctl");
            assertEquals(0, byName.exitCode(), byName::stderr);

            MaltProcess.CliResult unknown = MaltProcess.cli("reload", "--ini", builder.path("nope.ini").toString());
            assertEquals(1, unknown.exitCode());
            assertTrue(unknown.stderr().contains("no running Malt was started with"), unknown.stderr());

            MaltProcess.CliResult stop = MaltProcess.cli("stop", "--ini", malt.ini().toString());
            assertEquals(0, stop.exitCode(), stop::stderr);
            int exitCode = malt.awaitExit(Duration.ofSeconds(90));
            assertEquals(0, exitCode, "exit code after malt stop");
        }
    }
}
