package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Wait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * harakiri: a request that runs too long costs its worker its life (after a log line and a thread
 * dump), nginx answers 502 for that request alone, and everything else goes on.
 */
@ExtendWith(Diagnostics.class)
class HarakiriTest {

    @Test
    @SuppressWarnings("unchecked")
    void aStuckRequestKillsOnlyItsWorker() {
        MaltProcess.Builder builder = MaltProcess.probe("harakiri");
        Endpoint socket = Endpoint.unix(builder.path("app.sock"));
        // One app thread per worker: a busy worker stops accepting, so the other one takes new requests.
        try (MaltProcess malt = builder.option("workers", "2").option("threads", "1").option("harakiri", "2")
                .socket(socket).start();
             Nginx nginx = Nginx.to(socket).start()) {
            Map<Integer, Long> workers = malt.awaitFreshWorkers(2, List.of(), Duration.ofSeconds(60));
            CompletableFuture<HttpResponse> stuck = CompletableFuture.supplyAsync(() ->
                    RawHttp.get("/sleep?ms=30000").timeout(Duration.ofSeconds(60)).send(nginx.endpoint()));

            malt.awaitOutputLine(Duration.ofSeconds(30), "HARAKIRI", "GET /sleep?ms=30000");
            for (int i = 0; i < 20; i++) {
                HttpResponse other = RawHttp.get("/pid").send(nginx.endpoint());
                assertEquals(200, other.status(), other::toString);
            }
            HttpResponse killed = stuck.join();
            assertEquals(502, killed.status(), "nginx's answer for the request whose worker was killed");
            malt.awaitOutput("Full thread dump", Duration.ofSeconds(10));
            assertTrue(malt.output().contains("dev.malt.samples.ProbeServlet"),
                    "the thread dump shows where the request was stuck");

            // The killed worker's slot gets a new process; the other worker is the same as before.
            Map<Integer, Long>[] after = new Map[1];
            Wait.until(Duration.ofSeconds(60), Duration.ofMillis(100), () -> {
                after[0] = malt.readyWorkers();
                return after[0].size() == 2 && after[0].values().stream().filter(p -> !workers.containsValue(p)).count() == 1;
            }, () -> "exactly one worker should be replaced: before " + workers + ", after " + after[0]);
            assertNotEquals(workers, after[0]);
        }
    }
}
