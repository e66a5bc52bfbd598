package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A directory of versions, {@code parent/<version>/}, built once and then shared by every worker JVM of
 * an app. Several workers boot at the same moment, so building one takes a file lock on
 * {@code parent/.lock} (and a lock inside this JVM, since a file lock is per process) and happens in a
 * temporary directory that is renamed into place atomically: a version directory that exists is
 * complete. The version that was in use before stays, since workers of the previous generation may still
 * serve from it during a graceful reload; older ones are deleted.
 */
final class VersionedDirectory {

    /** Fills a new version's directory; it is empty and private to the caller. */
    interface Builder {
        void build(Path directory) throws AppLoadException, IOException;
    }

    static final String LOCK_FILE = ".lock";
    private static final String TEMP_PREFIX = ".building-";
    /** Touched at each use, so the previous version is the most recently used other one. */
    private static final String USED_STAMP = ".last-used";

    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private VersionedDirectory() {
    }

    /**
     * The directory {@code parent/version}, built by {@code builder} unless it already exists.
     *
     * @param what how the operator knows the content, for messages (the WAR's path)
     */
    static Path obtain(Path parent, String version, String what, Builder builder) throws AppLoadException {
        Path base = parent.toAbsolutePath().normalize();
        Path target = base.resolve(version);
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(base, key -> new ReentrantLock());
        jvmLock.lock();
        try {
            Files.createDirectories(base);
            try (FileChannel channel = FileChannel.open(base.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (!Files.isDirectory(target)) {
                    build(base, target, what, builder);
                }
                Files.writeString(target.resolve(USED_STAMP), "");
                Files.setLastModifiedTime(target.resolve(USED_STAMP), FileTime.fromMillis(System.currentTimeMillis()));
                prune(base, target);
            }
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.stateDirFailed(base, what, e), e);
        } finally {
            jvmLock.unlock();
        }
        return target;
    }

    private static void build(Path base, Path target, String what, Builder builder)
            throws IOException, AppLoadException {
        Path temp = Files.createTempDirectory(base, TEMP_PREFIX);
        boolean done = false;
        try {
            builder.build(temp);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename " + temp + " atomically", e);
            }
            done = true;
        } finally {
            if (!done) {
                deleteTree(temp);
            }
        }
    }

    /** Keeps {@code current} and the most recently used other version; deletes the rest and stale temp dirs. */
    private static void prune(Path base, Path current) throws IOException {
        List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(base)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    deleteTree(entry); // left by a worker killed mid-build: nobody builds while we hold the lock
                } else if (!entry.equals(current) && !name.equals(LOCK_FILE) && Files.isDirectory(entry)) {
                    others.add(entry);
                }
            }
        }
        others.sort(Comparator.comparing(VersionedDirectory::lastUsed).reversed());
        for (int i = 1; i < others.size(); i++) {
            deleteTree(others.get(i));
        }
    }

    private static FileTime lastUsed(Path version) {
        try {
            return Files.getLastModifiedTime(version.resolve(USED_STAMP));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Deletes a tree without following symlinks; best effort for what vanished meanwhile. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
