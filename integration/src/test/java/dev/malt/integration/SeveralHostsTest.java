package dev.malt.integration;

import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.FreePorts;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.TestHosts;
import dev.malt.integration.support.Tools;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An app that outgrew one machine: two Malt hosts, each in its own network namespace, behind one nginx
 * {@code upstream}. nginx fails over to the host that is left when one stops.
 */
class SeveralHostsTest {

    @Test
    void nginxSpreadsRequestsOverTwoHostsAndFailsOverWhenOneStops() throws Exception {
        try (TestHosts hosts = TestHosts.create(2)) {
            int port = FreePorts.next();
            Endpoint a = hosts.host(0).endpoint(port);
            Endpoint b = hosts.host(1).endpoint(port);
            try (MaltProcess hostA = probeOn(hosts.host(0), a, "host-a");
                 MaltProcess hostB = probeOn(hosts.host(1), b, "host-b");
                 Nginx nginx = Nginx.to(a).upstreamServer(b, "")
                         .location("uwsgi_next_upstream error timeout;").start()) {
                Set<String> answered = new HashSet<>();
                for (int i = 0; i < 10; i++) {
                    HttpResponse response = RawHttp.get("/pid").send(nginx.endpoint());
                    assertEquals(200, response.status(), response::toString);
                    answered.add(response.text().trim());
                }
                assertEquals(2, answered.size(), () -> "round robin should reach both hosts' workers: " + answered);

                assertEquals(0, hostA.stop(), () -> hostA.outputTail(30));
                for (int i = 0; i < 10; i++) {
                    HttpResponse response = RawHttp.get("/pid").send(nginx.endpoint());
                    assertEquals(200, response.status(), () -> "host B should answer alone: " + response);
                    assertFalse(answered.isEmpty());
                }
            }
        }
    }

    static MaltProcess probeOn(TestHosts.Host host, Endpoint socket, String name) {
        return MaltProcess.builder(name).through(host.exec())
                .socket(socket)
                .option("workers", "1")
                .option("servlet", "dev.malt.samples.ProbeServlet")
                .option("classpath", Tools.samplesJar().toString())
                .start();
    }
}
