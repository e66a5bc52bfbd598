package dev.malt.integration.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from wrk (Debian's {@code wrk}), against 127.0.0.1 only, for a fixed duration. Runs in the
 * background so a test can reload, kill or signal while the load goes on, then reads wrk's summary.
 */
public final class Wrk implements AutoCloseable {

    /** wrk's summary, parsed. */
    public record Result(long requests, long non2xx, long connectErrors, long readErrors, long writeErrors,
                         long timeoutErrors, double requestsPerSecond, String text) {
        public long socketErrors() {
            return connectErrors + readErrors + writeErrors + timeoutErrors;
        }
    }

    private final Process process;
    private final Path output;
    private final int seconds;

    private Wrk(Process process, Path output, int seconds) {
        this.process = process;
        this.output = output;
        this.seconds = seconds;
    }

    /** Starts {@code wrk -t2 -cCONNECTIONS -dSECONDSs URL}; the URL must be on loopback. */
    public static Wrk start(Endpoint frontend, String path, int connections, int seconds) {
        if (frontend.isUnix() || !(frontend.host().equals("127.0.0.1") || frontend.host().equals("::1"))) {
            throw new IllegalArgumentException("load goes to loopback TCP only, not " + frontend);
        }
        Path wrk = Tools.wrk();
        try {
            Path out = Files.createTempFile("wrk-", ".txt");
            List<String> command = new ArrayList<>(List.of(wrk.toString(), "-t2", "-c" + connections,
                    "-d" + seconds + "s", "--timeout", "30s", "http://" + frontend.hostHeader() + path));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            return new Wrk(process, out, seconds);
        } catch (IOException e) {
            throw new AssertionError("cannot start wrk: " + e.getMessage(), e);
        }
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Ends the load now: wrk stops on SIGINT and still prints its summary. */
    public Result stop() {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new AssertionError("cannot signal wrk: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return await();
    }

    /** Waits for the run to end (its duration plus a margin) and parses the summary. */
    public Result await() {
        try {
            if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("wrk did not finish " + seconds + " s of load within a minute more");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            return new Result(number(text, "(\\d+) requests in"), number(text, "Non-2xx or 3xx responses: (\\d+)"),
                    number(text, "connect (\\d+)"), number(text, "read (\\d+)"), number(text, "write (\\d+)"),
                    number(text, "timeout (\\d+)"), decimal(text, "Requests/sec:\\s+([\\d.]+)"), text);
        } catch (IOException e) {
            throw new AssertionError("cannot read wrk's output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while wrk ran");
        }
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static double decimal(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            Files.deleteIfExists(output);
        } catch (IOException ignored) {
            // temp file
        }
    }
}
