package dev.malt.server.master;

import dev.malt.server.config.AppConfig;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives workers that dropped privileges their default state directory, {@code /var/lib/malt/NAME}, owned by them,
 * as systemd's {@code StateDirectory=} does. Only root can create it there, and only the default place is handled:
 * a {@code state-dir} the app names is the app's own business, created by its workers under their own identity, so
 * root never writes to a path an app's owner chose.
 */
final class StateDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);
    static final Path SYSTEM = Path.of("/var/lib/malt");

    private StateDirectory() {
    }

    /**
     * Prepares the state directory of {@code config} for workers running as {@code owner}; never fails the app.
     *
     * @param tyrant the app's user chose its name: a directory another user has is not handed over, since any
     *               user can name their app after someone else's
     */
    static void prepare(AppConfig config, Optional<MasterOptions.Owner> owner, boolean tyrant) {
        if (owner.isEmpty() || config.string("state-dir").isPresent() || !WorkerIdentity.runningAsRoot()) {
            return;
        }
        Path own = SYSTEM.resolve(config.appName()).normalize();
        if (!SYSTEM.equals(own.getParent())) {
            return;
        }
        try {
            prepare(own, owner.get(), tyrant);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not give app {} its state directory {}: {}; its workers fall back to .malt/{} beside "
                    + "the INI file, which must then be writable by them", config.appName(), own, e.getMessage(),
                    config.appName());
        }
    }

    static void prepare(Path own, MasterOptions.Owner owner, boolean tyrant) throws IOException {
        if (!Files.isDirectory(SYSTEM, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(SYSTEM, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        if (Files.isSymbolicLink(own)) {
            throw new IOException(own + " is a symbolic link; remove it");
        }
        if (!Files.exists(own, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(own, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-x---")));
            chown(own, owner);
            LOG.info("created the state directory {} for uid {}", own, owner.uid());
            return;
        }
        if (!Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(own + " is not a directory");
        }
        int current = (Integer) Files.getAttribute(own, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (tyrant && current != owner.uid() && current != 0) {
            throw new IOException("the state directory " + own + " belongs to uid " + current + ", not to uid "
                    + owner.uid() + " who runs the app; in tyrant mode Malt does not hand one user's files to another "
                    + "(chown -R it if that is meant, or give the app another name)");
        }
        if (current != owner.uid()) {
            // Left by a run under another identity. Bottom-up, without following links: the new owner gains a
            // directory only once everything inside it is theirs, so they cannot swap in a link we would then follow.
            Files.walkFileTree(own, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    chown(file, owner);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    chown(dir, owner);
                    return FileVisitResult.CONTINUE;
                }
            });
            LOG.info("gave the state directory {} from uid {} to uid {}", own, current, owner.uid());
        }
    }

    private static void chown(Path path, MasterOptions.Owner owner) throws IOException {
        Files.setAttribute(path, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
    }
}
