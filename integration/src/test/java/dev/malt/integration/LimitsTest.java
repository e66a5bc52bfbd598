package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.RawUwsgi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recycling on max-requests and reload-on-rss, and the listen backlog. */
@ExtendWith(Diagnostics.class)
class LimitsTest {

    @Test
    void maxRequestsRecyclesTheWorkerWithoutFailingARequest() {
        Endpoint http = Endpoint.freeTcp();
        try (MaltProcess malt = MaltProcess.probe("maxreq").option("max-requests", "5").httpSocket(http).start()) {
            // Requests go on back to back while the master notices the count (it travels with the heartbeat),
            // starts a successor and retires the old worker; none may fail, and one comes from the successor.
            String first = RawHttp.get("/pid").send(http).text().trim();
            Set<String> pids = new HashSet<>(Set.of(first));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int sent = 1;
            while (pids.size() < 2 && System.nanoTime() < deadline) {
                HttpResponse response = RawHttp.get("/pid").timeout(Duration.ofSeconds(60)).send(http);
                assertEquals(200, response.status(), response::toString);
                pids.add(response.text().trim());
                sent++;
            }
            System.out.println("max-requests = 5: the successor answered request " + sent);
            assertEquals(2, pids.size(), "a recycled worker's successor served a request within 90 s: " + pids);
            malt.awaitOutput("max-requests = 5", Duration.ofSeconds(10));
        }
    }

    @Test
    void reloadOnRssRecyclesAWorkerOverTheLimit() {
        Endpoint http = Endpoint.freeTcp();
        try (MaltProcess malt = MaltProcess.probe("rss").option("reload-on-rss", "16").httpSocket(http).start()) {
            malt.awaitOutput("reload-on-rss = 16 MB", Duration.ofSeconds(30));
            for (int i = 0; i < 10; i++) {
                assertEquals(200, RawHttp.get("/pid").send(http).status());
            }
        }
    }

    @Test
    void aBacklogAboveSomaxconnIsWarnedAbout() throws Exception {
        int somaxconn = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim());
        Endpoint http = Endpoint.freeTcp();
        try (MaltProcess malt = MaltProcess.probe("backlog").option("listen", Integer.toString(somaxconn + 1))
                .httpSocket(http).start()) {
            malt.awaitOutputLine(Duration.ofSeconds(10), "listen = " + (somaxconn + 1), "net.core.somaxconn = " + somaxconn);
        }
    }

    @Test
    void aFullListenQueueIsLogged() throws Exception {
        Endpoint socket = Endpoint.freeTcp();
        try (MaltProcess malt = MaltProcess.probe("queue").option("threads", "1").option("listen", "2")
                .socket(socket).start()) {
            // The one app thread sleeps, so the worker stops accepting and new connections queue up.
            CompletableFuture<HttpResponse> busy = CompletableFuture.supplyAsync(() ->
                    RawUwsgi.request(socket, RawUwsgi.vars("GET", "/sleep?ms=15000").build(), new byte[0],
                            Duration.ofSeconds(60)));
            malt.awaitBusyWorker(Duration.ofSeconds(10)); // its one thread is taken: it accepts no more
            assertTrue(!busy.isDone(), "the sleeping request still holds the thread");
            List<Socket> waiting = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(new InetSocketAddress(socket.host(), socket.port()), 300);
                    } catch (java.io.IOException dropped) {
                        // a full queue drops the SYN: that is the point
                    }
                    waiting.add(s);
                }
                malt.awaitOutputLine(Duration.ofSeconds(10), "listen queue of", "is full");
            } finally {
                for (Socket s : waiting) {
                    s.close();
                }
            }
            assertEquals(200, busy.join().status());
        }
    }

}
