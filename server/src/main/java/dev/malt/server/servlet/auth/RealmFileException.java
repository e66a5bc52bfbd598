package dev.malt.server.servlet.auth;

import java.nio.file.Path;

/** A user or group file that cannot be used, with the file and (when it is about a line) the line. */
public final class RealmFileException extends Exception {

    RealmFileException(Path file, int line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
    }

    RealmFileException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
