package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * An exploded WAR directory is served in place, so a symlink in it that leads outside it would publish
 * whatever it points at. Deploying fails on the first such link, naming it and its target. Links that
 * stay inside are fine; a dangling link is judged by where it would point.
 */
final class ExplodedDirectory {

    private ExplodedDirectory() {
    }

    /** The directory's real path, after checking every symlink under it. */
    static Path verify(Path directory) throws AppLoadException {
        Path root;
        try {
            root = directory.toRealPath();
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.sourceUnreadable(directory, e), e);
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isSymbolicLink()) {
                        checkLink(root, file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (LinkEscapes e) {
            throw new AppLoadException(DeployMessages.symlinkEscapes(directory, root.relativize(e.link), e.target));
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.sourceUnreadable(directory, e), e);
        }
        return root;
    }

    private static void checkLink(Path root, Path link) throws IOException {
        Path target;
        try {
            target = link.toRealPath();
        } catch (NoSuchFileException e) {
            target = link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
        }
        if (!target.startsWith(root)) {
            throw new LinkEscapes(link, target);
        }
    }

    /** Carries the offending link out of the file visitor. */
    private static final class LinkEscapes extends IOException {
        private static final long serialVersionUID = 1L;
        final transient Path link;
        final transient Path target;

        LinkEscapes(Path link, Path target) {
            super(link + " -> " + target);
            this.link = link;
            this.target = target;
        }
    }
}
