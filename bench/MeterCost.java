import dev.malt.server.metrics.WorkerMeters;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What the worker's meters cost one request, in thread CPU time (so other jobs on the machine do not count):
 * the meter updates a request makes (its status-class timer, its queue timer, three traffic counter updates), an
 * extra handler in a connection's pipeline (the traffic counter; uwsgi opens one connection per request), and
 * the once-a-second report to the master. A measurement, not a test:
 *
 * <pre>
 * java -cp 'launcher/target/malt/lib/*' bench/MeterCost.java
 * </pre>
 */
public final class MeterCost {

    @ChannelHandler.Sharable
    static final class Nothing extends ChannelDuplexHandler {
    }

    public static void main(String[] args) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        WorkerMeters meters = new WorkerMeters(8);
        meters.bind(new WorkerMeters.Gauges() {
            public int requestsActive() { return 1; }
            public int threadsBusy() { return 1; }
            public int requestsQueued() { return 0; }
            public long exceptions() { return 0; }
        });
        long requests = 10_000_000;
        for (int round = 1; round <= 5; round++) {
            long start = cpu.getCurrentThreadCpuTime();
            for (long i = 0; i < requests; i++) {
                long nanos = 100_000 + (i & 0xffff);
                meters.requestEnded(200, nanos);
                meters.queued(nanos >> 4);
                meters.received(300);
                meters.received(100);
                meters.sent(200);
            }
            double perRequest = (double) (cpu.getCurrentThreadCpuTime() - start) / requests;
            if (round > 2) {
                System.out.printf("meter updates per request:        %6.0f ns%n", perRequest);
            }
        }
        ChannelHandler extra = new Nothing();
        long connections = 500_000;
        for (int round = 1; round <= 5; round++) {
            long start = cpu.getCurrentThreadCpuTime();
            for (long i = 0; i < connections; i++) {
                EmbeddedChannel channel = new EmbeddedChannel();
                channel.pipeline().addLast(extra);
                channel.close();
            }
            long with = cpu.getCurrentThreadCpuTime() - start;
            start = cpu.getCurrentThreadCpuTime();
            for (long i = 0; i < connections; i++) {
                new EmbeddedChannel().close();
            }
            long without = cpu.getCurrentThreadCpuTime() - start;
            if (round > 2) {
                System.out.printf("traffic handler per connection:   %6.0f ns%n", (double) (with - without) / connections);
            }
        }
        for (int i = 0; i < 1000; i++) {
            meters.report();
        }
        long start = cpu.getCurrentThreadCpuTime();
        String report = "";
        for (int i = 0; i < 200; i++) {
            report = meters.report();
        }
        System.out.printf("report to the master (once a second): %.2f ms, %d bytes%n",
                (cpu.getCurrentThreadCpuTime() - start) / 200 / 1e6, report.length());
        meters.close();
    }
}
