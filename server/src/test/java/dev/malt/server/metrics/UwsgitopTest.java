package dev.malt.server.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.malt.server.config.ListenAddress;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the real uwsgitop (github.com/xrmx/uwsgitop, not part of Malt) against a real {@link StatsServer}.
 *
 * <p>uwsgitop only draws with curses, so Python's curses module is replaced by {@code stats/fake-curses/curses.py},
 * which prints each screen as text and presses 'q' after two frames. Everything else, from reading the socket to
 * formatting every column, is uwsgitop's own code.
 *
 * <p>Skipped unless a uwsgitop script is found: {@code -Dmalt.uwsgitop=/path/to/uwsgitop}, the environment variable
 * {@code MALT_UWSGITOP}, or {@code uwsgitop} on the PATH; and {@code python3} must be on the PATH.
 */
@Timeout(120)
class UwsgitopTest {

    private static EventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static Optional<Path> uwsgitop() {
        String configured = System.getProperty("malt.uwsgitop", System.getenv("MALT_UWSGITOP"));
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        return onPath("uwsgitop");
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static Supplier<CompletableFuture<StatsSnapshot>> growingSource() {
        AtomicLong requests = new AtomicLong(1000);
        return () -> CompletableFuture.completedFuture(Snapshots.twoWorkers(requests.addAndGet(50), 4));
    }

    /** uwsgitop's output, after checking it exited normally. */
    private static String run(Path script, String address) throws IOException, InterruptedException, URISyntaxException {
        Path fakeCurses = Path.of(UwsgitopTest.class.getResource("/stats/fake-curses/curses.py").toURI()).getParent();
        ProcessBuilder builder = new ProcessBuilder(List.of("python3", script.toString(), address))
                .redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", fakeCurses.toString());
        builder.environment().put("FAKE_CURSES_FRAMES", "2");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "uwsgitop did not exit:\n" + output);
        assertEquals(0, process.exitValue(), "uwsgitop failed:\n" + output);
        assertTrue(!output.contains("Traceback"), output);
        System.out.println("uwsgitop " + address + ":\n" + output); // kept in the surefire report
        return output;
    }

    /** What uwsgitop drew from Malt's document: header, node line, and one row per worker with its numbers. */
    private static void assertDrawsMaltsStats(String output) throws IOException {
        String version = new ObjectMapper().readTree(new StatsJson().render(Snapshots.snapshot())).get("version").asText();
        assertTrue(output.contains("--- frame 2 ---"), output);
        String lastFrame = output.substring(output.lastIndexOf("--- frame"));
        assertTrue(Pattern.compile("(?m)^uwsgi-" + Pattern.quote(version) + " - .* - req: 1104 - RPS: \\d+ - lq: 3 - tx: ")
                .matcher(lastFrame).find(), lastFrame);
        assertTrue(lastFrame.contains("masterpid: " + Snapshots.MASTER_PID), lastFrame);
        // WID % PID REQ RPS EXC SIG STATUS AVG RSS VSZ TX ReSpwn HC RunT LastSpwn
        assertTrue(Pattern.compile("(?m)^ 1\\s+\\d+\\.\\d\\s+101\\s+1100\\s+\\d+\\s+1\\s+0\\s+idle\\s+0ms\\s+64\\.0M\\s+2\\.0G"
                + "\\s+\\S+\\s+1\\s+0\\s+330\\.0\\s+\\d\\d:\\d\\d:\\d\\d$").matcher(lastFrame).find(), lastFrame);
        assertTrue(Pattern.compile("(?m)^ 2\\s+\\d+\\.\\d\\s+102\\s+4\\s+0\\s+1\\s+0\\s+busy\\s+")
                .matcher(lastFrame).find(), lastFrame);
    }

    @Test
    void uwsgitopReadsMaltOverTcpAndUnix(@TempDir Path dir) throws Exception {
        Optional<Path> script = uwsgitop();
        assumeTrue(script.isPresent() && Files.isRegularFile(script.get()),
                "no uwsgitop script (set -Dmalt.uwsgitop or MALT_UWSGITOP, or put uwsgitop on the PATH)");
        assumeTrue(onPath("python3").isPresent(), "no python3 on the PATH");

        try (StatsServer server = StatsServer.start(group, ListenAddress.parse("127.0.0.1:0"), growingSource())) {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            assertDrawsMaltsStats(run(script.get(), "127.0.0.1:" + port));
        }
        Path socket = dir.resolve("stats.sock");
        try (StatsServer server = StatsServer.start(group, ListenAddress.unix(socket), growingSource())) {
            assertDrawsMaltsStats(run(script.get(), server.localAddress().toString()));
        }
    }
}
