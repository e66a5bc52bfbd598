package dev.malt.server.servlet.auth;

import java.nio.file.Path;
import java.util.Collection;

/** What the user and group files tell the operator. */
final class AuthMessages {

    private AuthMessages() {
    }

    static String plainText() {
        return "the password is not hashed (a plain-text entry?). Malt refuses plain-text passwords; set it again"
                + " with 'htpasswd -B FILE USER'";
    }

    static String unknownScheme(String encoded) {
        int end = encoded.indexOf('$', 1);
        if (encoded.startsWith("{")) {
            end = encoded.indexOf('}');
        }
        String prefix = end > 0 ? encoded.substring(0, Math.min(end + 1, 16)) : encoded.substring(0, 1);
        return "'" + prefix + "' is not a password hash format Malt reads. Use what htpasswd writes: bcrypt"
                + " ('htpasswd -B', recommended), Apache MD5 (-m), SHA-1 (-s) or crypt (-d, -2, -5)";
    }

    static String badBcrypt() {
        return "a bcrypt hash is '$2y$NN$' followed by 53 characters; this one is damaged. Set the password"
                + " again with 'htpasswd -B FILE USER'";
    }

    static String badSha1() {
        return "a {SHA} hash is '{SHA}' followed by 28 base64 characters; this one is damaged. Set the password"
                + " again with 'htpasswd -B FILE USER'";
    }

    static String badSalt(String scheme, String detail) {
        return "the " + scheme + " hash is damaged (" + detail + "). Set the password again with"
                + " 'htpasswd -B FILE USER'";
    }

    static String noColon(String what) {
        return "expected '" + what + "'; this line has no ':'";
    }

    static String emptyName(String what) {
        return "the " + what + " before ':' is empty";
    }

    static String duplicateUser(String user, int firstLine) {
        return "user '" + user + "' is already defined on line " + firstLine + "; keep one line per user";
    }

    static String notUtf8() {
        return "this line is not valid UTF-8; save the file as UTF-8";
    }

    static String tooLarge(long size, long limit) {
        return "the file has " + size + " bytes, over the limit of " + limit + " bytes for a user or group file";
    }

    static String unreadable(Exception e) {
        String detail = e instanceof java.nio.file.NoSuchFileException ? "it does not exist"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied (the app's workers read it"
                + " as the app's user; make it readable for that user, e.g. chgrp it to the app's group, mode 640)"
                : e.toString();
        return "cannot read it: " + detail;
    }

    static String loaded(int users, Path userFile, int roles, Path groupFile) {
        StringBuilder s = new StringBuilder("users and roles: ");
        if (userFile != null) {
            s.append(users).append(users == 1 ? " user" : " users").append(" from ").append(userFile);
        }
        if (groupFile != null) {
            if (userFile != null) {
                s.append(", ");
            }
            s.append(roles).append(roles == 1 ? " role" : " roles").append(" from ").append(groupFile);
        }
        return s.toString();
    }

    static String reloaded(String loaded) {
        return "re-read " + loaded;
    }

    static String reloadFailed(String problem) {
        return problem + ". Malt keeps the users and roles it read before until the file is fixed";
    }

    static String weakHashes(Path file, int count, Collection<String> users, Collection<String> schemes) {
        return file + ": " + count + (count == 1 ? " user has" : " users have") + " a weak password"
                + " hash (" + String.join(", ", schemes) + "): " + String.join(", ", users)
                + ". Set their passwords again with 'htpasswd -B " + file + " USER'";
    }
}
