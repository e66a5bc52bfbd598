package dev.malt.integration.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Scratch directories under {@code java.io.tmpdir} (short paths: unix socket paths are limited to 107
 * bytes). They are created 0755, not 0700 like {@link Files#createTempDirectory(String,
 * java.nio.file.attribute.FileAttribute[])} alone: nginx workers and Apache children run as
 * {@code www-data} when the tests run as root, and must reach the sockets inside.
 */
public final class TempDirs {

    private TempDirs() {
    }

    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "malt-" + prefix + "-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory in " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    /** Creates {@code dir/name} (0755) and returns it. */
    public static Path subdir(Path dir, String name) {
        try {
            Path sub = Files.createDirectories(dir.resolve(name));
            Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-xr-x"));
            return sub;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.resolve(name), e);
        }
    }

    /** Deletes {@code dir} and everything in it; problems are ignored (the OS cleans the temp dir eventually). */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
