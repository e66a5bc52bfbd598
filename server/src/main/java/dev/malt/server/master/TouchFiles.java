package dev.malt.server.master;

import dev.malt.server.privileges.AppUser;
import dev.malt.server.privileges.PathWalk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How the arbiter looks at {@code touch-reload} files: the modification time, or -1 when there is none. */
interface TouchFiles {

    long lastModified(Path file);

    /** The master's own view. */
    TouchFiles DIRECT = file -> {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return -1;
        }
    };

    /**
     * Tyrant mode: what the app's user would see, through directories they may search, without following a link
     * that was not checked ({@link PathWalk}). A file only root can reach is as good as missing, so its changes
     * tell the user nothing.
     */
    static TouchFiles seenBy(AppUser user) throws IOException {
        PathWalk.Rule rule = user.searchRule();
        return file -> {
            try {
                return PathWalk.walk(file.toAbsolutePath(), rule,
                        (dir, name, attrs, real) -> attrs.lastModifiedTime().toMillis());
            } catch (IOException e) {
                return -1;
            }
        };
    }
}
