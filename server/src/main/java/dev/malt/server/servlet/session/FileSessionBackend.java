package dev.malt.server.servlet.session;

import dev.malt.server.servlet.core.SessionStoreException;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Sessions as files, one per session, in a directory of the app's state directory
 * ({@code sessions/CONTEXT/}), shared by all workers of the app on this machine.
 *
 * <ul>
 *   <li><b>The file name is the session id</b>, checked by {@link SessionIds} before any path is made.
 *       Names starting with '.' are this store's temporary files, which no id can be.</li>
 *   <li><b>A write never tears:</b> the record goes to {@code .tmp-...} and is renamed over the session's
 *       file (rename(2) is atomic). A worker killed in the middle leaves only a temporary file, which a
 *       later sweep removes; readers see the old record or the new one.</li>
 *   <li><b>The file's modification time is the session's expiry</b> (last access + max inactive
 *       interval): recording a use sets the time, and does not rewrite the file; the sweep finds expired
 *       sessions with a directory listing and a stat each, without reading them.</li>
 *   <li><b>Ending a session is a rename</b> to {@code .gone-...}: of several workers, exactly one succeeds
 *       and fires the listeners.</li>
 * </ul>
 *
 * Files are not fsync'ed: they survive any process dying (the page cache holds them), not a power cut,
 * after which a damaged record is refused by its checksum and counts as absent.
 */
final class FileSessionBackend implements SessionBackend {

    /** Most records fit in one read of this size. */
    private static final int FIRST_READ = 4096;
    /** Temporary files older than this belong to a worker that died while writing or ending a session. */
    static final long LEFTOVER_MILLIS = 10 * 60 * 1000;
    static final String TEMP_PREFIX = ".tmp-";
    static final String GONE_PREFIX = ".gone-";
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path dir;
    private final SessionCodec codec;
    private final String appName;
    private final Logger log;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * @throws SessionStoreException when the directory cannot be made
     */
    FileSessionBackend(Path dir, SessionCodec codec, String appName, Logger log, Clock clock) {
        this.dir = dir;
        this.codec = codec;
        this.appName = appName;
        this.log = log;
        this.clock = clock;
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                try {
                    Files.createDirectory(dir, DIR_MODE); // sessions hold users' data: the app's user only
                } catch (FileAlreadyExistsException e) {
                    // another worker made it first
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw failed("create its directory", e);
        }
    }

    Path dir() {
        return dir;
    }

    private SessionStoreException failed(String what, Exception e) {
        String message = SessionMessages.fileStoreFailed(appName, dir, what, e);
        log.error(message);
        return new SessionStoreException(message, e);
    }

    @Override
    public Stored read(String id, long knownRevision) throws SessionCodec.CorruptRecordException {
        Path file = dir.resolve(id);
        byte[] record;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer first = ByteBuffer.allocate(FIRST_READ);
            fill(channel, first);
            SessionCodec.Header header = codec.header(first.array(), first.position());
            if (knownRevision != 0 && header.revision() == knownRevision) {
                record = null;
            } else {
                int total = SessionCodec.HEADER_BYTES + header.payloadLength();
                if (first.position() > total) {
                    throw new SessionCodec.CorruptRecordException("longer than its header says");
                }
                record = new byte[total];
                System.arraycopy(first.array(), 0, record, 0, first.position());
                ByteBuffer rest = ByteBuffer.wrap(record, first.position(), total - first.position());
                fill(channel, rest);
                if (rest.hasRemaining() || channel.read(ByteBuffer.allocate(1)) > 0) {
                    throw new SessionCodec.CorruptRecordException("torn: its length does not match its header");
                }
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failed("read a session", e);
        }
        try {
            return new Stored(record, Files.getLastModifiedTime(file).toMillis());
        } catch (NoSuchFileException e) {
            return null; // ended by another worker just now
        } catch (IOException e) {
            throw failed("read a session's time", e);
        }
    }

    private static void fill(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // until full or at the end
        }
    }

    @Override
    public void touch(String id, long expiresAt, long lifetimeMillis) {
        try {
            setExpiry(dir.resolve(id), expiresAt);
        } catch (NoSuchFileException e) {
            // ended by another worker: nothing to record
        } catch (IOException e) {
            throw failed("record a session's use", e);
        }
    }

    private void setExpiry(Path file, long expiresAt) throws IOException {
        // both times given, so the JDK sets them without reading the old ones first
        Files.getFileAttributeView(file, BasicFileAttributeView.class)
                .setTimes(FileTime.fromMillis(expiresAt), FileTime.fromMillis(clock.millis()), null);
    }

    @Override
    public boolean write(String id, byte[] record, long expiresAt, long lifetimeMillis, boolean create) {
        Path file = dir.resolve(id);
        Path temp = dir.resolve(TEMP_PREFIX + clock.millis() + "-" + id + "-" + Long.toHexString(random.nextLong()));
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), FILE_MODE)) {
                ByteBuffer bytes = ByteBuffer.wrap(record);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
            setExpiry(temp, expiresAt);
            if (!create && !Files.exists(file)) {
                Files.deleteIfExists(temp);
                return false;
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failed("write a session", e);
        }
    }

    @Override
    public boolean delete(String id) {
        Path gone = goneName(id);
        try {
            Files.move(dir.resolve(id), gone, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw failed("end a session", e);
        }
        deleteQuietly(gone);
        return true;
    }

    private Path goneName(String id) {
        return dir.resolve(GONE_PREFIX + clock.millis() + "-" + id + "-" + Long.toHexString(random.nextLong()));
    }

    @Override
    public boolean rename(String oldId, String newId) {
        try {
            Files.move(dir.resolve(oldId), dir.resolve(newId), StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw failed("change a session's id", e);
        }
    }

    @Override
    public Sweep claimExpired(long now) {
        List<Claimed> claimed = new ArrayList<>();
        int remaining = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    removeIfLeftover(entry, name, now);
                    continue;
                }
                if (!SessionIds.isWellFormed(name)) {
                    continue; // not ours
                }
                long expiresAt;
                try {
                    expiresAt = Files.getLastModifiedTime(entry).toMillis();
                } catch (NoSuchFileException e) {
                    continue;
                }
                Claimed expired = expiresAt <= now ? claimIfExpired(name, now) : null;
                if (expired != null) {
                    claimed.add(expired);
                } else {
                    remaining++;
                }
            }
        } catch (IOException e) {
            throw failed("look for expired sessions", e);
        }
        return new Sweep(claimed, remaining);
    }

    /** Renames the session away, then checks it was not used between the look and the rename. */
    private Claimed claimIfExpired(String id, long now) throws IOException {
        Path file = dir.resolve(id);
        Path gone = goneName(id);
        try {
            Files.move(file, gone, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return null; // another worker claimed it
        }
        long expiresAt = Files.getLastModifiedTime(gone).toMillis();
        if (expiresAt > now) {
            putBack(gone, file); // used just now: it lives on
            return null;
        }
        byte[] record = null;
        try {
            if (Files.size(gone) <= codec.maxRecordBytes()) {
                record = Files.readAllBytes(gone);
            }
        } finally {
            deleteQuietly(gone);
        }
        return new Claimed(id, record, expiresAt);
    }

    private void putBack(Path gone, Path file) throws IOException {
        try {
            Files.createLink(file, gone); // fails if a new record took the name meanwhile: that one wins
        } catch (FileAlreadyExistsException e) {
            // the newer record stays
        } catch (UnsupportedOperationException e) {
            try {
                Files.move(gone, file);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException ignored) {
                // the newer record stays
            }
        }
        deleteQuietly(gone);
    }

    private void removeIfLeftover(Path entry, String name, long now) {
        String prefix = name.startsWith(TEMP_PREFIX) ? TEMP_PREFIX : name.startsWith(GONE_PREFIX) ? GONE_PREFIX : null;
        if (prefix == null) {
            return;
        }
        int dash = name.indexOf('-', prefix.length());
        long made;
        try {
            made = Long.parseLong(name.substring(prefix.length(), dash < 0 ? name.length() : dash));
        } catch (NumberFormatException e) {
            return;
        }
        if (now - made < LEFTOVER_MILLIS) {
            return;
        }
        deleteQuietly(entry);
        log.info(SessionMessages.leftoverRemoved(entry, prefix.equals(TEMP_PREFIX)
                ? "a worker died while writing this session; the session kept its previous record"
                : "a worker died while ending this session; its sessionDestroyed listeners did not run"));
    }

    @Override
    public int count() {
        int count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (SessionIds.isWellFormed(entry.getFileName().toString())) {
                    count++;
                }
            }
        } catch (IOException e) {
            throw failed("count sessions", e);
        }
        return count;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a later sweep removes it
        }
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    @Override
    public void close() {
        // nothing held open
    }
}
