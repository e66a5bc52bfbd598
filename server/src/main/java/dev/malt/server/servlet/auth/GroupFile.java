package dev.malt.server.servlet.auth;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a group file in Apache's AuthGroupFile format: {@code group: user1 user2} per line, members
 * separated by spaces. Each group is a role of the app; a group on several lines gets all their members.
 */
final class GroupFile {

    private GroupFile() {
    }

    /** User name to the roles it has. */
    static Map<String, Set<String>> parse(Path file, List<TextLines.Line> lines) throws RealmFileException {
        Map<String, Set<String>> roles = new HashMap<>();
        for (TextLines.Line line : lines) {
            String text = line.text();
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new RealmFileException(file, line.number(), AuthMessages.noColon("role: user1 user2"));
            }
            String role = text.substring(0, colon).strip();
            if (role.isEmpty()) {
                throw new RealmFileException(file, line.number(), AuthMessages.emptyName("role (group) name"));
            }
            for (String user : text.substring(colon + 1).strip().split("\\s+")) {
                if (!user.isEmpty()) {
                    roles.computeIfAbsent(user, u -> new LinkedHashSet<>()).add(role);
                }
            }
        }
        roles.replaceAll((user, set) -> Set.copyOf(set));
        return roles;
    }

    /** How many distinct roles the file names (for the startup line). */
    static int roleCount(Map<String, Set<String>> roles) {
        Set<String> all = new LinkedHashSet<>();
        roles.values().forEach(all::addAll);
        return all.size();
    }
}
