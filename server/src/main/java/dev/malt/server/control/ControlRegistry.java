package dev.malt.server.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Where running masters (and emperors) announce their control sockets, so that {@code malt reload}
 * finds one by pidfile, INI file or app name without relying on signals. Each process owns two
 * entries named after its pid: {@code PID.sock} and {@code PID.info}. Entries of dead processes are
 * ignored and cleaned up by whoever finds them.
 *
 * <p>The directory is {@code $MALT_RUNTIME_DIR}, else {@code /run/malt/control} for root, else
 * {@code $XDG_RUNTIME_DIR/malt/control}, else {@code /tmp/malt-USER/control}.
 */
public final class ControlRegistry {

    /** What a running process says about itself. */
    public record Entry(long pid, String kind, String name, String ini, String pidfile, Path socket) {
        public boolean isEmperor() {
            return "emperor".equals(kind);
        }
    }

    private final Path dir;

    public ControlRegistry(Path dir) {
        this.dir = dir;
    }

    public static ControlRegistry standard() {
        return new ControlRegistry(defaultDir());
    }

    static Path defaultDir() {
        String override = System.getenv("MALT_RUNTIME_DIR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/run/malt/control");
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "malt", "control");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "malt-" + System.getProperty("user.name"), "control");
    }

    public Path dir() {
        return dir;
    }

    /** The socket path this process should listen on. Creates the directory (0700 when new). */
    public Path socketFor(long pid) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the socket's own mode still protects it
            }
        }
        return dir.resolve(pid + ".sock");
    }

    public void register(Entry entry) throws IOException {
        Properties props = new Properties();
        props.setProperty("pid", Long.toString(entry.pid()));
        props.setProperty("kind", entry.kind());
        props.setProperty("name", entry.name());
        props.setProperty("ini", entry.ini() == null ? "" : entry.ini());
        props.setProperty("pidfile", entry.pidfile() == null ? "" : entry.pidfile());
        Path tmp = dir.resolve(entry.pid() + ".info.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            props.store(out, "malt control entry");
        }
        Files.move(tmp, dir.resolve(entry.pid() + ".info"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public void unregister(long pid) {
        try {
            Files.deleteIfExists(dir.resolve(pid + ".info"));
            Files.deleteIfExists(dir.resolve(pid + ".sock"));
        } catch (IOException ignored) {
            // best effort: a stale entry is skipped by readers anyway
        }
    }

    /** Entries of processes that are alive now. */
    public List<Entry> live() {
        List<Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return entries;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.info")) {
            for (Path file : files) {
                read(file).ifPresent(entries::add);
            }
        } catch (IOException e) {
            return entries;
        }
        entries.sort((a, b) -> Long.compare(a.pid(), b.pid()));
        return entries;
    }

    private Optional<Entry> read(Path file) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
            long pid = Long.parseLong(props.getProperty("pid"));
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of(new Entry(pid, props.getProperty("kind", "app"), props.getProperty("name", ""),
                        props.getProperty("ini", ""), props.getProperty("pidfile", ""), dir.resolve(pid + ".sock")));
            }
            unregister(pid);
        } catch (IOException | RuntimeException e) {
            // unreadable or half-written: skip
        }
        return Optional.empty();
    }
}
