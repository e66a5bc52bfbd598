package dev.malt.server.servlet.auth;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads an htpasswd file: {@code user:hash} per line, as {@code htpasswd} writes it. */
final class HtpasswdFile {

    private HtpasswdFile() {
    }

    /** User name to hash, in file order. */
    static Map<String, PasswordHash> parse(Path file, List<TextLines.Line> lines) throws RealmFileException {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (TextLines.Line line : lines) {
            String text = line.text();
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new RealmFileException(file, line.number(), AuthMessages.noColon("user:hash"));
            }
            String user = text.substring(0, colon);
            if (user.isEmpty()) {
                throw new RealmFileException(file, line.number(), AuthMessages.emptyName("user name"));
            }
            Integer earlier = firstLine.putIfAbsent(user, line.number());
            if (earlier != null) {
                throw new RealmFileException(file, line.number(), AuthMessages.duplicateUser(user, earlier));
            }
            try {
                users.put(user, PasswordHash.parse(text.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new RealmFileException(file, line.number(), "user '" + user + "': " + e.getMessage());
            }
        }
        return users;
    }
}
