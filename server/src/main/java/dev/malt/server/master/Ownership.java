package dev.malt.server.master;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;

/** {@code chown USER[:GROUP]} for the files a master creates (unix sockets), by name or number. */
final class Ownership {

    private Ownership() {
    }

    static void apply(Path path, String spec) throws IOException {
        int colon = spec.indexOf(':');
        String user = colon < 0 ? spec : spec.substring(0, colon);
        String group = colon < 0 ? "" : spec.substring(colon + 1);
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        try {
            if (!user.isEmpty()) {
                if (user.chars().allMatch(Character::isDigit)) {
                    Files.setAttribute(path, "unix:uid", Integer.parseInt(user));
                } else {
                    Files.setOwner(path, lookup.lookupPrincipalByName(user));
                }
            }
            if (!group.isEmpty()) {
                if (group.chars().allMatch(Character::isDigit)) {
                    Files.setAttribute(path, "unix:gid", Integer.parseInt(group));
                } else {
                    GroupPrincipal principal = lookup.lookupPrincipalByGroupName(group);
                    Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(principal);
                }
            }
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new IOException("chown-socket " + spec + ": no such user or group '" + e.getName() + "'", e);
        } catch (IOException e) {
            throw new IOException("chown-socket " + spec + " on " + path + ": " + e.getMessage()
                    + " (only root may give a file away)", e);
        }
    }
}
