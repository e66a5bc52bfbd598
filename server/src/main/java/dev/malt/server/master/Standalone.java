package dev.malt.server.master;

import dev.malt.server.config.AppConfig;
import dev.malt.server.control.ControlRegistry;
import dev.malt.server.control.ControlSocketServer;
import dev.malt.server.logging.LogSink;
import dev.malt.server.logging.Logging;
import dev.malt.server.systemd.ServiceNotifier;
import dev.malt.server.systemd.SocketActivation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code malt --ini app.ini}: one master in the foreground, as its own process. SIGTERM and SIGINT
 * stop it gracefully (uWSGI 2.0 reloads on SIGTERM; Malt does not), SIGHUP reloads, SIGUSR1 reopens
 * the log file.
 */
public final class Standalone {

    private Standalone() {
    }

    /** Runs the app until it is stopped; returns the process exit code. */
    public static int run(AppConfig config) {
        LogSink sink = LogSink.forLogto(config.logto()).orElse(null);
        if (sink == null) {
            return 1;
        }
        Logging.configure(config.appName() + " master", sink.lineStream());
        Logger log = LoggerFactory.getLogger(Standalone.class);
        Path pidfile = config.pidfile().orElse(null);
        ControlSocketServer control = null;
        MasterOptions options;
        try {
            options = optionsFor(config);
        } catch (WorkerIdentity.RefusedException e) {
            log.error("{} cannot start: {}", config.appName(), e.getMessage());
            return 2;
        }
        try (Master master = new Master(config, sink, options)) {
            if (pidfile != null) {
                writePidfile(pidfile);
            }
            master.start();
            master.onReload(() -> reopen(sink, log));
            ControlRegistry registry = ControlRegistry.standard();
            long pid = ProcessHandle.current().pid();
            try {
                control = ControlSocketServer.start(master.eventLoopGroup(), registry.socketFor(pid),
                        new MasterControl(master, sink));
                registry.register(new ControlRegistry.Entry(pid, "app", config.appName(),
                        config.iniFile().map(p -> realPath(p)).orElse(""),
                        pidfile == null ? "" : pidfile.toAbsolutePath().toString(), control.path()));
            } catch (IOException e) {
                log.warn("no control socket for 'malt reload/stop/status' ({}); signals still work", e.getMessage());
            }
            ServiceNotifier notifier = ServiceNotifier.fromEnvironment();
            ReadinessWatch readiness = new ReadinessWatch();
            Signal.handle(new Signal("TERM"), s -> {
                notifier.stopping("stopping (SIGTERM)");
                master.post(new MasterEvent.Stop("SIGTERM"));
            });
            Signal.handle(new Signal("INT"), s -> {
                notifier.stopping("stopping (SIGINT)");
                master.post(new MasterEvent.Stop("SIGINT"));
            });
            Signal.handle(new Signal("HUP"), s -> {
                notifier.reloading("reloading " + config.appName());
                master.post(new MasterEvent.Reload(false, "SIGHUP"));
                // After the post: the next status question then queues behind the reload.
                readiness.expect();
            });
            Signal.handle(new Signal("USR1"), s -> reopen(sink, log));
            log.info("{} started (pid {}, {} worker(s))", config.appName(), ProcessHandle.current().pid(),
                    config.workers());
            SocketActivation.current().unadopted().forEach(socket -> log.warn("systemd passed {}, but {} has no "
                    + "socket or http-socket with that address; it stays unused", socket, config.appName()));
            readiness.expect();
            while (!master.stopped().isDone()) {
                if (notifier.enabled()) {
                    readiness.check(master, config.workers(), status -> notifier.ready(config.appName() + ": " + status));
                }
                try {
                    master.stopped().get(readiness.waiting() ? 100 : 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // not stopped yet
                }
            }
            log.info("{} stopped", config.appName());
            return 0;
        } catch (IOException | IllegalStateException e) {
            log.error("{} cannot start: {}", config.appName(), e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (control != null) {
                control.close();
                ControlRegistry.standard().unregister(ProcessHandle.current().pid());
            }
            if (pidfile != null && config.vacuum()) {
                try {
                    Files.deleteIfExists(pidfile);
                } catch (IOException e) {
                    log.warn("cannot remove pidfile {}: {}", pidfile, e.getMessage());
                }
            }
        }
    }

    /** Standalone as root, {@code uid}/{@code gid} make the workers drop privileges. */
    static MasterOptions optionsFor(AppConfig config) throws WorkerIdentity.RefusedException {
        java.util.Optional<WorkerIdentity> identity = WorkerIdentity.fromOptions(config);
        if (identity.isEmpty()) {
            return MasterOptions.standalone();
        }
        return new MasterOptions(identity.get().commandPrefix(), java.util.Optional.of(identity.get().owner()),
                MasterSettings.DEFAULT_MAX_BACKOFF_MILLIS);
    }

    static String realPath(Path file) {
        try {
            return file.toRealPath().toString();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize().toString();
        }
    }

    static void reopen(LogSink sink, Logger log) {
        try {
            sink.reopen();
            log.info("log file reopened");
        } catch (IOException e) {
            log.error("cannot reopen the log file {}: {}", sink.path(), e.getMessage());
        }
    }

    private static void writePidfile(Path pidfile) throws IOException {
        Path parent = pidfile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(pidfile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
    }
}
