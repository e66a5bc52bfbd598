package dev.malt.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the loader opens INI files, the one it starts from and every {@code ini =} include: directly, or, for a
 * tyrant emperor, with the identity of the user who owns the app, so that an include reaches nothing that user
 * could not read.
 */
public interface IniFiles {

    /** A file's real path (every link resolved: the magic variables describe it) and its text. */
    record Read(Path realPath, String text) {
    }

    /**
     * Reads a whole file as UTF-8.
     *
     * @throws java.nio.file.NoSuchFileException       when it does not exist
     * @throws java.nio.file.AccessDeniedException     when it may not be read
     * @throws java.nio.charset.CharacterCodingException when it is not UTF-8
     * @throws IOException                             otherwise, with a message that says why
     */
    Read read(Path file) throws IOException;

    /** Whether something exists at {@code path}: an {@code ini = a:b} names file {@code a:b} when it does. */
    boolean exists(Path path);

    /** This process's own access, for a master run by the app's owner or an emperor that is not a tyrant. */
    IniFiles DIRECT = new IniFiles() {
        @Override
        public Read read(Path file) throws IOException {
            Path real = file.toRealPath();
            if (Files.isDirectory(real)) {
                throw new IOException("it is a directory");
            }
            return new Read(real, Files.readString(real, StandardCharsets.UTF_8));
        }

        @Override
        public boolean exists(Path path) {
            return Files.exists(path);
        }
    };
}
