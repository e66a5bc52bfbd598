package dev.malt.integration.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A server process the tests started: its stdout and stderr go to a file, its log files are known, and
 * it is stopped with a signal, then killed with its whole process tree if it does not go. Every
 * process is also killed when the test JVM exits, so a crashed run leaves nothing behind.
 *
 * <p>Logs are copied to {@code integration/target/it-logs/} when the process is closed (see
 * {@link #archiveDir()}), and {@link Diagnostics} adds their last lines to failing tests.
 */
public final class LoggedProcess implements AutoCloseable {

    private static final List<LoggedProcess> STARTED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (LoggedProcess p : STARTED) {
                p.killTree();
            }
        }, "kill-test-servers"));
    }

    private final String name;
    private final Process process;
    private final Map<String, Path> logs = new LinkedHashMap<>();
    private final Set<ProcessHandle> seenDescendants = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<String> strays = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private LoggedProcess(String name, Process process, Path output, List<Path> extraLogs) {
        this.name = name;
        this.process = process;
        logs.put("output", output);
        for (Path log : extraLogs) {
            logs.put(log.getFileName().toString(), log);
        }
    }

    /**
     * Starts {@code command} in {@code workDir} with this JVM's environment; stdout and stderr both go to
     * {@code output}. {@code extraLogs} are files the process writes itself (error logs), shown on failure.
     */
    public static LoggedProcess start(String name, List<String> command, Path workDir, Path output, List<Path> extraLogs) {
        return start(name, command, workDir, output, extraLogs, java.util.Map.of());
    }

    /** As {@link #start(String, List, Path, Path, List)}, with {@code environment} added to this JVM's. */
    public static LoggedProcess start(String name, List<String> command, Path workDir, Path output, List<Path> extraLogs,
                                      java.util.Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
        LoggedProcess p = new LoggedProcess(name, process, output, extraLogs);
        STARTED.add(p);
        return p;
    }

    /** Every process started in this JVM, oldest first. */
    static List<LoggedProcess> started() {
        return STARTED;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public boolean isClosed() {
        return closed;
    }

    /** The exit code, or {@code null} while running. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** Children and grandchildren right now; they are remembered so that {@link #close()} can kill them. */
    public List<ProcessHandle> descendants() {
        List<ProcessHandle> now = process.descendants().toList();
        seenDescendants.addAll(now);
        return now;
    }

    /** Sends a signal by name ({@code TERM}, {@code HUP}, {@code USR1}...) with {@code kill -s}. */
    public void signal(String signal) {
        descendants();
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid())).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -s " + signal + " " + pid() + " (" + name + ") failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits up to {@code timeout} for the process to exit; returns its exit code, or {@code null} if it still runs. */
    public Integer waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Sends {@code signal}, waits {@code grace} for the process to exit, and kills it and its tree with
     * SIGKILL if it does not. Then gives the children it had {@code childGrace} to exit on their own
     * (they may outlive their parent briefly); those that do not are killed and reported by
     * {@link #strays()}. Returns the exit code (137 after SIGKILL).
     */
    public int stop(String signal, Duration grace, Duration childGrace) {
        if (process.isAlive()) {
            descendants();
            try {
                signal(signal);
            } catch (IllegalStateException e) {
                if (process.isAlive()) {
                    throw e;
                }
            }
            if (waitFor(grace) == null) {
                strays.add(name + " itself (pid " + pid() + ") ignored SIG" + signal + " for " + grace.toSeconds() + " s");
                killTree();
            }
        }
        long deadline = System.nanoTime() + childGrace.toNanos();
        for (ProcessHandle child : snapshotSeen()) {
            while (child.isAlive() && System.nanoTime() < deadline) {
                sleep(50);
            }
            if (child.isAlive()) {
                strays.add("pid " + child.pid() + " " + child.info().commandLine().orElse("?")
                        + " outlived " + name + " by " + childGrace.toSeconds() + " s");
                child.destroyForcibly();
            }
        }
        Integer code = waitFor(Duration.ofSeconds(10));
        return code == null ? -1 : code;
    }

    /** Processes that had to be killed by {@link #stop}: the process itself past its grace, or children left behind. */
    public List<String> strays() {
        return List.copyOf(strays);
    }

    /** SIGKILL to the process and every descendant ever seen. */
    public void killTree() {
        List<ProcessHandle> all = new ArrayList<>(snapshotSeen());
        try {
            all.addAll(process.descendants().toList());
        } catch (RuntimeException ignored) {
            // the process is gone
        }
        process.destroyForcibly();
        for (ProcessHandle p : all) {
            p.destroyForcibly();
        }
    }

    private List<ProcessHandle> snapshotSeen() {
        synchronized (seenDescendants) {
            return new ArrayList<>(seenDescendants);
        }
    }

    /** The last {@code lines} lines of a log ("output" for stdout/stderr, or an extra log's file name). */
    public String tail(String log, int lines) {
        Path path = logs.get(log);
        if (path == null) {
            throw new IllegalArgumentException(name + " has no log '" + log + "'; it has " + logs.keySet());
        }
        return tailOf(path, lines);
    }

    /** Everything in stdout/stderr so far. */
    public String output() {
        return read(logs.get("output"));
    }

    /** The whole of a log ({@link #tail} names). */
    public String log(String log) {
        return read(logs.get(log));
    }

    /** Name, pid, state and the tail of every log, for failure messages. */
    public String describe(int lines) {
        StringBuilder sb = new StringBuilder();
        sb.append("=== ").append(name).append(" (pid ").append(pid()).append(", ")
                .append(process.isAlive() ? "running" : "exited with " + process.exitValue()).append(") ===\n");
        for (Map.Entry<String, Path> log : logs.entrySet()) {
            sb.append("--- ").append(log.getValue()).append(" (last ").append(lines).append(" lines) ---\n");
            sb.append(tailOf(log.getValue(), lines));
            if (sb.charAt(sb.length() - 1) != '\n') {
                sb.append('\n');
            }
        }
        if (!strays.isEmpty()) {
            sb.append("--- killed at stop ---\n").append(String.join("\n", strays)).append('\n');
        }
        return sb.toString();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 15 s), kills stray children, and archives the logs. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            stop("TERM", Duration.ofSeconds(15), Duration.ofSeconds(10));
        } finally {
            killTree();
            archive();
            closed = true;
        }
    }

    /** Where logs are copied at close: {@code malt.it.logs}, by default {@code integration/target/it-logs}. */
    public static Path archiveDir() {
        String configured = System.getProperty("malt.it.logs");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String root = System.getProperty("malt.repo.root");
        return (root != null ? Path.of(root, "integration", "target", "it-logs") : Path.of("target", "it-logs"))
                .toAbsolutePath().normalize();
    }

    private void archive() {
        try {
            Path dir = Files.createDirectories(archiveDir());
            for (Map.Entry<String, Path> log : new ArrayList<>(logs.entrySet())) {
                if (Files.isRegularFile(log.getValue())) {
                    Path copy = dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + pid() + "-" + log.getValue().getFileName());
                    Files.copy(log.getValue(), copy, StandardCopyOption.REPLACE_EXISTING);
                    logs.put(log.getKey(), copy);
                }
            }
        } catch (IOException ignored) {
            // the originals stay where they were
        }
    }

    private static String tailOf(Path path, int lines) {
        String text = read(path);
        if (text.isEmpty()) {
            return "(empty)\n";
        }
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines - 1);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }

    private static String read(Path path) {
        try {
            return path != null && Files.isRegularFile(path) ? new String(Files.readAllBytes(path), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + path + ": " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
