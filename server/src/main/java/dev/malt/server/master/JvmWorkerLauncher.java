package dev.malt.server.master;

import dev.malt.server.classcache.JvmRelease;
import dev.malt.server.logging.LogSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts worker JVMs: {@code java -Dmalt.worker=APP/N ... dev.malt.server.worker.WorkerMain}. The
 * resolved app config goes in on stdin; stdout and stderr come back through a pipe and are copied,
 * line by line, into the master's log.
 */
public final class JvmWorkerLauncher implements WorkerLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(JvmWorkerLauncher.class);

    /**
     * Flags for a small worker; {@code jvm-options} come after them and win. Measured with the hello servlet, 2 workers
     * behind nginx (README, "Worker JVMs"): SerialGC has no concurrent threads or remembered sets to pay for; a young
     * generation of at least 12 MiB (not 5) halves the young collections under load (about 860 to 330 in 20 s at
     * 9,000 requests/s per worker) for about 7 MiB more PSS. {@code NewSize} is a floor, not {@code -Xmn}: an app with
     * a large heap still gets a young generation in proportion. {@code -Xms24m} leaves the old generation room for
     * what start-up keeps, so no full collection grows the heap at once.
     */
    static final List<String> DEFAULT_JVM_FLAGS = List.of(
            // Netty's epoll transport is JNI; JDK 22+ warns without this, JDK 17 accepts it too.
            "--enable-native-access=ALL-UNNAMED",
            "-XX:+UseSerialGC",
            "-Xms24m",
            "-XX:NewSize=12m",
            "-XX:+ExitOnOutOfMemoryError");

    /**
     * Gives back to the system, every 5 s, the C heap the JVM freed (the JIT compilers' arenas, mostly): about 25 MiB
     * of PSS per worker after load. A product flag from 17.0.11, 21.0.4, 22.0.1 and 23 on; an older JVM would refuse
     * it, so it goes only to those.
     */
    static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=5000";

    /** Set by systemd for the service's main process only ({@code sd_notify}, {@code sd_listen_fds}). */
    static final List<String> SYSTEMD_VARIABLES = List.of("NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID",
            "LISTEN_FDNAMES");

    public static final String WORKER_MAIN = "dev.malt.server.worker.WorkerMain";
    /** coreutils' env, whose --chdir changes directory after setpriv has dropped privileges. */
    static final Path ENV = Path.of("/usr/bin/env");

    /**
     * @param commandPrefix    prepended to the java command (tyrant mode: setpriv ...); usually empty
     * @param javaHome         the JDK to run workers with
     * @param defaultFlags     Malt's own JVM flags for that JDK ({@link #defaultFlags})
     * @param heap             max heap ({@code heap}), or null for the JVM's default
     * @param jvmOptions       extra flags from {@code jvm-options}
     * @param classpath        Malt's own classpath (the app's is loaded inside the worker)
     * @param workDir          the worker's working directory ({@code chdir})
     * @param environment      variables added to the worker's environment ({@code env})
     * @param encodedConfig    the resolved app config, written to the worker's stdin
     */
    public record Spec(String appName, List<String> commandPrefix, Path javaHome, List<String> defaultFlags,
                       String heap, List<String> jvmOptions,
                       String classpath, Path controlSocket, Path workDir, Map<String, String> environment,
                       String encodedConfig) {
    }

    private final Spec spec;
    private final LogSink sink;
    /** What workers start from instead of the master's environment, if set (tyrant mode); {@code env} is added. */
    private final Map<String, String> baseEnvironment;
    /** The app's class cache across reloads, and this config's setup of it; null when off. */
    private final ClassCache classCache;
    private final ClassCache.Setup classCacheSetup;

    public JvmWorkerLauncher(Spec spec, LogSink sink) {
        this(spec, sink, null);
    }

    /** @param baseEnvironment replaces the master's environment for workers (tyrant mode: root's is not theirs) */
    public JvmWorkerLauncher(Spec spec, LogSink sink, Map<String, String> baseEnvironment) {
        this(spec, sink, baseEnvironment, null, null);
    }

    JvmWorkerLauncher(Spec spec, LogSink sink, Map<String, String> baseEnvironment, ClassCache classCache,
                      ClassCache.Setup classCacheSetup) {
        this.spec = spec;
        this.sink = sink;
        this.baseEnvironment = baseEnvironment == null ? null : Map.copyOf(baseEnvironment);
        this.classCache = classCacheSetup == null ? null : classCache;
        this.classCacheSetup = classCacheSetup;
    }

    /** Malt's own flags for workers run by {@code release} (unknown: only those every JDK 17+ takes). */
    public static List<String> defaultFlags(Optional<JvmRelease> release) {
        List<String> flags = new ArrayList<>(DEFAULT_JVM_FLAGS);
        if (release.isPresent() && trimsNativeHeap(release.get())) {
            flags.add(TRIM_NATIVE_HEAP);
        }
        return List.copyOf(flags);
    }

    static boolean trimsNativeHeap(JvmRelease release) {
        return release.atLeast(23, 0) || release.feature() == 22 && release.update() >= 1
                || release.feature() == 21 && release.update() >= 4 || release.feature() == 17 && release.update() >= 11;
    }

    /** The flags every worker gets before {@code jvm-options}, which come after them and win. */
    static List<String> jvmFlags(List<String> defaultFlags, String heap, List<String> jvmOptions) {
        List<String> flags = new ArrayList<>(defaultFlags);
        if (heap != null) {
            flags.add("-Xmx" + heap);
        }
        flags.addAll(jvmOptions);
        return flags;
    }

    /** The full command line for a worker slot, without a class cache; public so {@code malt} can show it. */
    public List<String> command(int slot) {
        return command(slot, List.of());
    }

    /** The full command line for a worker slot; {@code cacheFlags} go before {@code jvm-options}. */
    List<String> command(int slot, List<String> cacheFlags) {
        List<String> command = new ArrayList<>(spec.commandPrefix());
        if (dropsPrivileges()) {
            // Change directory once privileges are dropped, so the worker starts only where its user may go.
            command.add(ENV.toString());
            command.add("--chdir=" + spec.workDir());
        }
        command.add(spec.javaHome().resolve("bin").resolve("java").toString());
        command.add("-Dmalt.worker=" + spec.appName() + "/" + slot);
        command.addAll(spec.defaultFlags());
        if (spec.heap() != null) {
            command.add("-Xmx" + spec.heap());
        }
        command.addAll(cacheFlags);
        command.addAll(spec.jvmOptions());
        command.add("-cp");
        command.add(spec.classpath());
        command.add(WORKER_MAIN);
        command.add("--app");
        command.add(spec.appName());
        command.add("--worker");
        command.add(Integer.toString(slot));
        command.add("--control");
        command.add(spec.controlSocket().toString());
        return command;
    }

    private boolean dropsPrivileges() {
        return !spec.commandPrefix().isEmpty();
    }

    @Override
    public WorkerHandle launch(int slot) throws IOException {
        if (!Files.isExecutable(spec.javaHome().resolve("bin").resolve("java"))) {
            throw new IOException("no java at " + spec.javaHome().resolve("bin/java") + " (java-home)");
        }
        ClassCache.Decision cache = classCache == null ? ClassCache.Decision.NONE : classCache.decide(classCacheSetup);
        // With privileges to drop, the JDK would chdir as root before setpriv runs: start in /, let env go there.
        ProcessBuilder builder = new ProcessBuilder(command(slot, cache.flags()))
                .directory(dropsPrivileges() ? Path.of("/").toFile() : spec.workDir().toFile())
                .redirectErrorStream(true);
        // systemd's variables are the master's: a worker (or its app) must not notify systemd or take sockets.
        if (baseEnvironment != null) {
            builder.environment().clear();
            builder.environment().putAll(baseEnvironment);
        }
        builder.environment().keySet().removeAll(SYSTEMD_VARIABLES);
        builder.environment().putAll(spec.environment());
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(spec.encodedConfig().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The worker died at once; its output and exit code tell why.
            LOG.debug("could not hand the config to worker {}: {}", slot, e.getMessage());
        }
        Thread pump = new Thread(() -> pumpOutput(process.getInputStream()),
                "log-" + spec.appName() + "-" + slot + "-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        WorkerHandle handle = new ProcessWorkerHandle(process);
        if (classCache != null) {
            classCache.launched(cache, handle);
        }
        return handle;
    }

    @Override
    public void ready(WorkerHandle worker) {
        if (classCache != null) {
            classCache.ready(worker);
        }
    }

    /** Copies worker output into the master's log, a line at a time, each at most {@link OutputPump#DEFAULT_MAX_LINE}. */
    private void pumpOutput(InputStream in) {
        new OutputPump(sink, OutputPump.DEFAULT_MAX_LINE).copy(in);
    }
}
