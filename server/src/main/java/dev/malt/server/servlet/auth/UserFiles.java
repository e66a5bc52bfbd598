package dev.malt.server.servlet.auth;

import java.nio.file.Path;

/**
 * Where an app's users come from: the INI options {@code auth-user-file} (htpasswd format) and
 * {@code auth-group-file} (Apache's AuthGroupFile format, one role per group). Either may be absent:
 * a group file alone gives roles to users the frontend authenticated ({@code REMOTE_USER}).
 *
 * @param userFile  {@code user:hash} lines, or {@code null}
 * @param groupFile {@code role: user1 user2} lines, or {@code null}
 */
public record UserFiles(Path userFile, Path groupFile) {

    public static final UserFiles NONE = new UserFiles(null, null);

    public boolean isEmpty() {
        return userFile == null && groupFile == null;
    }
}
