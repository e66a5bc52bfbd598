package dev.malt.integration.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Malt app run as an operator would: {@code $MALT_HOME/bin/malt --ini app.ini} as a real process
 * (a master JVM that spawns worker JVMs), output captured to a file, ready once its uwsgi socket answers
 * a ping (or its http-socket answers HTTP).
 *
 * <pre>
 * try (MaltProcess malt = MaltProcess.probe("x").option("socket", tcp.iniValue()).start()) { ... }
 * </pre>
 *
 * {@link #close()} stops it with SIGTERM, kills it after a bound, and kills any worker left behind.
 */
public final class MaltProcess implements AutoCloseable {

    /** How long a start may take before the test fails: two JVMs start on a busy 2-core CI machine. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long a graceful stop (SIGTERM) may take before SIGKILL. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Path dir;
    private final Path ini;
    private final LoggedProcess process;
    private final Endpoint readiness;
    private final boolean httpReadiness;

    private MaltProcess(Builder b, Path ini, LoggedProcess process, Endpoint readiness, boolean httpReadiness) {
        this.name = b.name;
        this.dir = b.dir;
        this.ini = ini;
        this.process = process;
        this.readiness = readiness;
        this.httpReadiness = httpReadiness;
    }

    /** An app named {@code name}; its INI, output and (if you put them there) sockets live in {@link Builder#dir()}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * An app that deploys {@code war} at {@code /} ({@code war = FILE}), with one worker.
     */
    public static Builder war(String name, Path war) {
        return builder(name).option("war", war.toString()).option("workers", "1");
    }

    /** An app serving ProbeServlet from the sample jar, with one worker. */
    public static Builder probe(String name) {
        String jar = Tools.samplesJar().toString();
        return builder(name)
                .option("servlet", "dev.malt.samples.ProbeServlet")
                .option("classpath", jar)
                .option("workers", "1");
    }

    public String name() {
        return name;
    }

    /** The master's pid (the {@code malt} command execs the master JVM). */
    public long pid() {
        return process.pid();
    }

    public Path ini() {
        return ini;
    }

    public Path dir() {
        return dir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The worker processes and anything else below the master, right now. */
    public List<ProcessHandle> children() {
        return process.descendants();
    }

    /** What a {@code malt} control command printed. */
    public record CliResult(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code malt ARGS...} (reload, status, stop...) as an operator would, and waits for it. */
    public static CliResult cli(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Tools.maltCommand().toString());
        command.addAll(List.of(args));
        try {
            Path out = java.nio.file.Files.createTempFile("malt-cli-", ".out");
            Path err = java.nio.file.Files.createTempFile("malt-cli-", ".err");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("'" + String.join(" ", command) + "' did not finish within 60 s");
            }
            CliResult result = new CliResult(p.exitValue(), java.nio.file.Files.readString(out),
                    java.nio.file.Files.readString(err));
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** One app's status from an emperor's control socket ({@code malt status NAME --json}). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> appStatus(String app) {
        for (Object o : (List<Object>) statusDocument().get("apps")) {
            Map<String, Object> status = (Map<String, Object>) o;
            if (app.equals(status.get("appName"))) {
                return status;
            }
        }
        return Map.of();
    }

    /** Pids of the workers of {@code app} (under an emperor) that accept now. */
    @SuppressWarnings("unchecked")
    public List<Long> readyWorkersOf(String app) {
        List<Long> pids = new ArrayList<>();
        for (Object o : (List<Object>) appStatus(app).getOrDefault("workers", List.of())) {
            Map<String, Object> worker = (Map<String, Object>) o;
            if (Boolean.TRUE.equals(worker.get("accepting"))) {
                pids.add(((Number) worker.get("pid")).longValue());
            }
        }
        return pids;
    }

    /** The emperor's status document; no apps yet while it has not opened its control socket. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> statusDocument() {
        java.util.Optional<java.nio.file.Path> socket = dev.malt.server.control.ControlRegistry.standard().live()
                .stream().filter(e -> e.pid() == pid()).map(dev.malt.server.control.ControlRegistry.Entry::socket)
                .findFirst();
        if (socket.isEmpty()) {
            return Map.of("apps", List.of());
        }
        try {
            return Json.parseObject(dev.malt.server.control.ControlClient.send(socket.get(), "status", ""));
        } catch (IOException e) {
            return Map.of("apps", List.of());
        }
    }

    /**
     * The app's status from its control socket, asked in-process (what {@code malt status --json}
     * prints): cheap enough to poll under load, where starting a CLI JVM per poll would not be.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> status() {
        java.nio.file.Path socket = dev.malt.server.control.ControlRegistry.standard().live().stream()
                .filter(e -> e.pid() == pid()).map(dev.malt.server.control.ControlRegistry.Entry::socket)
                .findFirst().orElseThrow(() -> new AssertionError("master " + pid() + " has no control socket"));
        try {
            String answer = dev.malt.server.control.ControlClient.send(socket, "status", "");
            List<Object> apps = (List<Object>) Json.parseObject(answer).get("apps");
            return (Map<String, Object>) apps.get(0);
        } catch (IOException e) {
            throw new AssertionError("cannot ask " + socket + " for the status: " + e.getMessage(), e);
        }
    }

    /** Pids of the workers that accept now, by worker id. */
    @SuppressWarnings("unchecked")
    public Map<Integer, Long> readyWorkers() {
        Map<Integer, Long> ready = new java.util.TreeMap<>();
        for (Object o : (List<Object>) status().get("workers")) {
            Map<String, Object> worker = (Map<String, Object>) o;
            if (Boolean.TRUE.equals(worker.get("accepting"))) {
                ready.put(((Number) worker.get("id")).intValue(), ((Number) worker.get("pid")).longValue());
            }
        }
        return ready;
    }

    /**
     * Requests the accepting workers have finished, summed from the status (their counters travel with the
     * once-a-second heartbeat, so this lags what clients saw). {@code app} names one app of an emperor;
     * null for a single app.
     */
    @SuppressWarnings("unchecked")
    public long requestsServed(String app) {
        Map<String, Object> status = app == null ? status() : appStatus(app);
        long total = 0;
        for (Object o : (List<Object>) status.getOrDefault("workers", List.of())) {
            Map<String, Object> worker = (Map<String, Object>) o;
            if (Boolean.TRUE.equals(worker.get("accepting"))) { // not the ones a reload is retiring
                total += ((Number) worker.get("requests")).longValue();
            }
        }
        return total;
    }

    /** Waits until the workers report at least {@code atLeast} finished requests ({@link #requestsServed}). */
    public long awaitRequestsServed(String app, long atLeast, Duration timeout) {
        long[] seen = {-1};
        Wait.until(timeout, Duration.ofMillis(50), () -> (seen[0] = requestsServed(app)) >= atLeast,
                () -> "the workers reported " + seen[0] + " finished requests, not " + atLeast + "; last lines:\n"
                        + outputTail(30));
        return seen[0];
    }

    /** Waits until a worker reports a request running on an app thread (heartbeat field {@code busy}). */
    @SuppressWarnings("unchecked")
    public void awaitBusyWorker(Duration timeout) {
        Wait.until(timeout, Duration.ofMillis(50), () -> ((List<Object>) status().get("workers")).stream()
                        .anyMatch(w -> ((Number) ((Map<String, Object>) w).get("busy")).intValue() > 0),
                () -> "no worker reported a running request; status " + status());
    }

    /** Waits until {@code count} workers accept and none of them has a pid in {@code old}. */
    public Map<Integer, Long> awaitFreshWorkers(int count, java.util.Collection<Long> old, Duration timeout) {
        Map<Integer, Long>[] seen = new Map[1];
        Wait.until(timeout, Duration.ofMillis(50), () -> {
            seen[0] = readyWorkers();
            return seen[0].size() == count && seen[0].values().stream().noneMatch(old::contains)
                    && ((List<?>) status().get("workers")).size() == count;
        }, () -> "workers never became " + count + " fresh ready ones; last seen " + seen[0] + "; last lines:\n"
                + outputTail(30));
        return seen[0];
    }

    /** Waits for the master to exit on its own and returns its exit code. */
    public int awaitExit(Duration timeout) {
        Integer code = process.waitFor(timeout);
        if (code == null) {
            throw new AssertionError("Malt (" + name + ") did not exit within " + timeout.toSeconds() + " s; last lines:\n"
                    + outputTail(30));
        }
        return code;
    }

    /** Sends a signal by name ({@code HUP}, {@code TERM}, ...). */
    public void signal(String signal) {
        process.signal(signal);
    }

    /** Everything Malt wrote to stdout and stderr so far. */
    public String output() {
        return process.output();
    }

    public String outputTail(int lines) {
        return process.tail("output", lines);
    }

    /** Waits until Malt's output contains {@code text} (log lines may lag the response that caused them). */
    public void awaitOutput(String text, Duration timeout) {
        Wait.until(timeout, () -> output().contains(text),
                () -> "Malt's output never contained \"" + text + "\"; last lines:\n" + outputTail(40));
    }

    /** Waits until one line of Malt's output contains every one of {@code fragments}. */
    public void awaitOutputLine(Duration timeout, String... fragments) {
        Wait.until(timeout, () -> output().lines().anyMatch(line -> {
            for (String fragment : fragments) {
                if (!line.contains(fragment)) {
                    return false;
                }
            }
            return true;
        }), () -> "no line of Malt's output contained all of " + java.util.Arrays.toString(fragments)
                + "; last lines:\n" + outputTail(40));
    }

    /**
     * SIGTERM, then waits for the master to exit (SIGKILL after {@link #STOP_TIMEOUT}); its workers get
     * 10 s more to exit on their own. Returns the master's exit code.
     */
    public int stop() {
        return process.stop("TERM", STOP_TIMEOUT, Duration.ofSeconds(10));
    }

    /** What {@link #stop()} had to kill: the master past its grace, or workers that outlived it. */
    public List<String> strays() {
        return process.strays();
    }

    /** Whether the app still answers a ping on its readiness socket (or HTTP on its http-socket). */
    public boolean answers() {
        return httpReadiness ? answersHttp(readiness) : RawUwsgi.answersPing(readiness, Duration.ofSeconds(2));
    }

    @Override
    public void close() {
        try {
            process.close();
        } finally {
            TempDirs.deleteQuietly(dir);
        }
    }

    @Override
    public String toString() {
        return "malt " + name + " (pid " + pid() + ")";
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("Malt (" + name + ") exited with " + process.exitCode()
                        + " before it answered on " + readiness + ". Its INI (" + ini + "):\n" + readIni()
                        + "\nIts output:\n" + process.tail("output", 80));
            }
            process.descendants();
            if (answers()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                process.killTree();
                throw new AssertionError("Malt (" + name + ") did not answer a "
                        + (httpReadiness ? "HTTP request" : "uwsgi ping") + " on " + readiness + " within "
                        + START_TIMEOUT.toSeconds() + " s. Its INI (" + ini + "):\n" + readIni()
                        + "\nIts output:\n" + process.tail("output", 80));
            }
            sleep(100);
        }
    }

    private String readIni() {
        try {
            return Files.readString(ini);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static boolean answersHttp(Endpoint endpoint) {
        try {
            RawHttp.get("/").timeout(Duration.ofSeconds(2)).send(endpoint);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Options in order (repeats allowed, as in an INI file), extra command-line arguments, then {@link #start()}. */
    public static final class Builder {
        private final String name;
        private final Path malt;
        private final Path dir;
        private final List<Map.Entry<String, String>> options = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private Path existingIni;
        private Path emperorDir;
        private Endpoint readiness;
        private boolean httpReadiness;
        private List<String> prefix = List.of();

        private Builder(String name) {
            this.name = name;
            this.malt = Tools.maltCommand();
            this.dir = TempDirs.create(name);
        }

        /** The app's scratch directory (0755): a good place for its unix sockets. */
        public Path dir() {
            return dir;
        }

        /** A path inside {@link #dir()}. */
        public Path path(String file) {
            return dir.resolve(file);
        }

        /** Adds {@code key = value} to the generated INI's {@code [malt]} section. */
        public Builder option(String key, String value) {
            options.add(Map.entry(key, value));
            return this;
        }

        /** Adds {@code socket = endpoint}, plus {@code chmod-socket = 666} for a unix socket. */
        public Builder socket(Endpoint endpoint) {
            option("socket", endpoint.iniValue());
            if (endpoint.isUnix() && options.stream().noneMatch(o -> o.getKey().equals("chmod-socket"))) {
                option("chmod-socket", "666");
            }
            return this;
        }

        public Builder httpSocket(Endpoint endpoint) {
            return option("http-socket", endpoint.iniValue());
        }

        /** Runs {@code malt} through this command, e.g. {@link TestHosts.Host#exec()} to start it on another host. */
        public Builder through(List<String> prefix) {
            this.prefix = List.copyOf(prefix);
            return this;
        }

        /** Extra command-line arguments after {@code --ini FILE}. */
        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        /** Runs {@code malt --emperor DIR ARGS...} instead of one app; start it with {@link #startUnready()}. */
        public Builder emperor(Path dir) {
            this.emperorDir = dir;
            return this;
        }

        /** Runs this INI file as it is instead of a generated one (options then must be empty). */
        public Builder ini(Path file) {
            this.existingIni = file;
            return this;
        }

        /** Where to check readiness; by default the first uwsgi {@code socket}, else the first {@code http-socket}. */
        public Builder readyOn(Endpoint endpoint, boolean http) {
            this.readiness = endpoint;
            this.httpReadiness = http;
            return this;
        }

        public MaltProcess start() {
            Path ini = existingIni != null ? existingIni : writeIni();
            Endpoint ready = readiness;
            boolean http = httpReadiness;
            if (ready == null) {
                String socket = first("socket");
                String httpSocket = first("http-socket");
                if (socket != null) {
                    ready = Endpoint.parse(socket);
                    http = false;
                } else if (httpSocket != null) {
                    ready = Endpoint.parse(httpSocket);
                    http = true;
                } else {
                    throw new IllegalStateException("no socket or http-socket to check readiness on; use readyOn()");
                }
            }
            List<String> command = new ArrayList<>(prefix);
            command.addAll(List.of(malt.toString(), "--ini", ini.toString()));
            command.addAll(args);
            LoggedProcess process = LoggedProcess.start("malt-" + name, command, dir, dir.resolve("malt.log"), List.of());
            MaltProcess m = new MaltProcess(this, ini, process, ready, http);
            try {
                m.awaitReady();
            } catch (RuntimeException | Error e) {
                m.close();
                throw e;
            }
            return m;
        }

        /** Starts Malt without waiting for it to serve: for apps that are meant to fail, and the emperor. */
        public MaltProcess startUnready() {
            Path ini = existingIni != null ? existingIni : writeIni();
            List<String> command = new ArrayList<>(prefix);
            command.add(malt.toString());
            if (emperorDir == null) {
                command.addAll(List.of("--ini", ini.toString()));
            } else {
                command.addAll(List.of("--emperor", emperorDir.toString()));
            }
            command.addAll(args);
            LoggedProcess process = LoggedProcess.start("malt-" + name, command, dir, dir.resolve("malt.log"), List.of());
            return new MaltProcess(this, ini, process, readiness, httpReadiness);
        }

        private String first(String key) {
            return options.stream().filter(o -> o.getKey().equals(key)).map(Map.Entry::getValue).findFirst().orElse(null);
        }

        private Path writeIni() {
            StringBuilder text = new StringBuilder("; written by the Malt end-to-end tests\n[malt]\n");
            for (Map.Entry<String, String> option : options) {
                text.append(option.getKey()).append(" = ").append(option.getValue()).append('\n');
            }
            if (options.stream().noneMatch(o -> o.getKey().equals("class-cache"))) {
                // With the default (auto), the worker that records the class cache is replaced once, 10 s after it
                // started: tests that follow workers by pid would see one more worker than they made. ClassCacheTest
                // tests the class cache, with class-cache = auto.
                text.append("class-cache = off\n");
            }
            Path file = dir.resolve(name + ".ini");
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
            return file;
        }
    }
}
