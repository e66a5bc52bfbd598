package dev.malt.server.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where running masters (and emperors) announce their control sockets, so that {@code malt reload}
 * finds one by pidfile, INI file or app name without relying on signals. Each process owns two
 * entries named after its pid: {@code PID.sock} and {@code PID.info}. Entries of dead processes are
 * ignored and cleaned up by whoever finds them.
 *
 * <p>The directory is {@code $MALT_RUNTIME_DIR}, else {@code /run/malt/control} for root, else
 * {@code $XDG_RUNTIME_DIR/malt/control}, else {@code /tmp/malt-USER/control}. It is the user's alone: created
 * 0700, and refused if it (or {@code malt-USER} in /tmp) is someone else's, others may write it, or it is a link.
 */
public final class ControlRegistry {

    /** What a running process says about itself. */
    public record Entry(long pid, String kind, String name, String ini, String pidfile, Path socket) {
        public boolean isEmperor() {
            return "emperor".equals(kind);
        }
    }

    private final Path dir;
    /** The first directory, on the way down to {@link #dir}, that must be this user's alone. */
    private final Path privateFrom;

    /** A registry in {@code dir}, which must be this user's alone (created 0700 with any missing parent). */
    public ControlRegistry(Path dir) {
        this(dir, dir);
    }

    ControlRegistry(Path dir, Path privateFrom) {
        if (!dir.startsWith(privateFrom)) {
            throw new IllegalArgumentException(privateFrom + " does not contain " + dir);
        }
        this.dir = dir;
        this.privateFrom = privateFrom;
    }

    public static ControlRegistry standard() {
        return standard(System.getenv(), System.getProperty("user.name"), Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * The registry for {@code user}, with that environment. In a directory others share ({@code /tmp}), everything
     * from {@code malt-USER} down is checked: someone could have made it first, to read or forge the entries.
     */
    static ControlRegistry standard(Map<String, String> environment, String user, Path tmp) {
        String override = environment.get("MALT_RUNTIME_DIR");
        if (override != null && !override.isBlank()) {
            return new ControlRegistry(Path.of(override));
        }
        if ("root".equals(user)) {
            return new ControlRegistry(Path.of("/run/malt/control"));
        }
        String xdg = environment.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            return new ControlRegistry(Path.of(xdg, "malt", "control"), Path.of(xdg, "malt"));
        }
        Path own = tmp.resolve("malt-" + user);
        return new ControlRegistry(own.resolve("control"), own);
    }

    public Path dir() {
        return dir;
    }

    /** The socket path this process should listen on. Creates the directory (0700) or checks it is private. */
    public Path socketFor(long pid) throws IOException {
        ensurePrivate();
        return dir.resolve(pid + ".sock");
    }

    /**
     * Writes {@code PID.info}: to a temporary file made new (never through a link someone left there), then
     * renamed into place, so a reader sees a whole entry or none.
     */
    public void register(Entry entry) throws IOException {
        ensurePrivate();
        Properties props = new Properties();
        props.setProperty("pid", Long.toString(entry.pid()));
        props.setProperty("kind", entry.kind());
        props.setProperty("name", entry.name());
        props.setProperty("ini", entry.ini() == null ? "" : entry.ini());
        props.setProperty("pidfile", entry.pidfile() == null ? "" : entry.pidfile());
        Path tmp = dir.resolve(entry.pid() + ".info.tmp");
        Files.deleteIfExists(tmp); // a leftover of a crash; unlink never follows a link
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            props.store(out, "malt control entry");
        }
        Files.move(tmp, dir.resolve(entry.pid() + ".info"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Creates the missing directories 0700, and refuses any from {@link #privateFrom} down that is a link, is not
     * this user's, or others may write: whoever controls it could read the entries, forge them, or swap a file for
     * a link.
     */
    private void ensurePrivate() throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // a link or a file is in the way; said below
            }
        }
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        for (Path path = dir; path.startsWith(privateFrom); path = path.getParent()) {
            Map<String, Object> attrs = Files.readAttributes(path, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) attrs.get("mode");
            int owner = (Integer) attrs.get("uid");
            if ((mode & 0170000) != 0040000) {
                throw new IOException(path + " is not a directory (a link or a file is in the way); remove it, "
                        + "and Malt creates the directory, private to its user");
            }
            if (owner != self) {
                throw new IOException(path + " belongs to uid " + owner + ", not to this user (uid " + self + "); "
                        + "someone else made it, and could read or forge the control entries: remove it, or set "
                        + "MALT_RUNTIME_DIR to a directory of your own");
            }
            if ((mode & 0022) != 0) {
                throw new IOException(path + " is writable by others (mode " + String.format("%04o", mode & 07777)
                        + "); chmod go-w " + path + ", or remove it and Malt creates it 0700");
            }
            if (path.equals(privateFrom)) {
                break;
            }
        }
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
        try {
            ensurePrivate();
        } catch (IOException | RuntimeException e) {
            return entries; // someone else's entries would send our commands to their sockets
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
