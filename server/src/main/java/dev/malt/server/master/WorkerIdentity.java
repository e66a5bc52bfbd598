package dev.malt.server.master;

import dev.malt.server.config.AppConfig;
import dev.malt.server.privileges.AppUser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The user and group an app's workers run as when the master runs as root: from the app's {@code uid}
 * and {@code gid} options, or, under a tyrant emperor, from the owner of its INI file. Workers drop
 * privileges with {@code setpriv} (util-linux) before the JVM starts, so no app code ever runs as root.
 */
public record WorkerIdentity(int uid, int gid, String user) {

    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Path GROUP = Path.of("/etc/group");
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /** Thrown when an app may not run under the identity it asks for; the message says what to fix. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        public RefusedException(String message) {
            super(message);
        }
    }

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** From {@code uid}/{@code gid}; empty when neither is set. */
    public static Optional<WorkerIdentity> fromOptions(AppConfig config) throws RefusedException {
        if (config.uid().isEmpty() && config.gid().isEmpty()) {
            return Optional.empty();
        }
        if (!runningAsRoot()) {
            if (namesThisProcess(config)) {
                // Already that user (systemd's User= in malt@.service): nothing to drop, the same INI works as root too.
                return Optional.empty();
            }
            throw new RefusedException("app " + config.appName() + " sets uid/gid, which needs the master to run as "
                    + "root; remove them, or start Malt as root");
        }
        String userSpec = config.uid().orElse("root");
        int uid = resolveUser(userSpec);
        int gid = config.gid().isPresent() ? resolveGroup(config.gid().get()) : primaryGroup(uid);
        return Optional.of(new WorkerIdentity(uid, gid, userName(uid).orElse(Integer.toString(uid))));
    }

    /** Whether uid (and gid, if set) are this process's own user and group. */
    static boolean namesThisProcess(AppConfig config) throws RefusedException {
        try {
            int ownUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int ownGid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
            boolean uidMatches = config.uid().isEmpty() || resolveUser(config.uid().get()) == ownUid;
            boolean gidMatches = config.gid().isEmpty() || resolveGroup(config.gid().get()) == ownGid;
            return uidMatches && gidMatches;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Tyrant mode: the owner of the INI file, unless a root-owned file names its user. A file that others
     * than root and its owner may write is refused: whoever can edit it would choose what runs.
     */
    public static WorkerIdentity fromIniOwner(Path ini, AppConfig config) throws RefusedException, IOException {
        return fromIniOwner(IniOwner.of(ini), config);
    }

    /** Who owns an app's INI file, looked up once: the decision and the reading must be about the same file. */
    public record IniOwner(Path real, int uid, int gid) {

        /** Looks the file up; refuses one that others than root and its owner may write. */
        public static IniOwner of(Path ini) throws RefusedException, IOException {
            Path real = ini.toRealPath();
            Map<String, Object> attrs = Files.readAttributes(real, "unix:mode,uid,gid");
            int mode = (Integer) attrs.get("mode");
            if ((mode & 0022) != 0) {
                throw new RefusedException(real + " is writable by its group or by others (mode "
                        + String.format("%04o", mode & 07777) + "); in tyrant mode only root and its owner may write an "
                        + "app's INI file: chmod go-w " + real);
            }
            return new IniOwner(real, (Integer) attrs.get("uid"), (Integer) attrs.get("gid"));
        }

        /** The owner as an identity to read the file with: their primary group, before the file says more. */
        public WorkerIdentity reader() {
            return new WorkerIdentity(uid, primaryGroup(uid), userName(uid).orElse(Integer.toString(uid)));
        }
    }

    /** As {@link #fromIniOwner(Path, AppConfig)}, for a file already looked up. */
    public static WorkerIdentity fromIniOwner(IniOwner file, AppConfig config) throws RefusedException {
        Path real = file.real();
        int owner = file.uid();
        int group = file.gid();
        if (owner == 0) {
            Optional<WorkerIdentity> named = fromOptions(config);
            if (named.isEmpty() || named.get().uid() == 0) {
                throw new RefusedException(real + " is owned by root and names no other user: tyrant mode does not "
                        + "run apps as root. Set uid (and gid) in it, or chown it to the user the app should run as");
            }
            return named.get();
        }
        if (config.uid().isPresent() && resolveUser(config.uid().get()) != owner) {
            throw new RefusedException(real + " sets uid = " + config.uid().get() + " but belongs to "
                    + userName(owner).orElse(Integer.toString(owner)) + "; in tyrant mode only a root-owned INI may "
                    + "choose its user");
        }
        String user = userName(owner).orElse(Integer.toString(owner));
        Set<Integer> groups = groupsOf(owner);
        int gid;
        if (config.gid().isPresent()) {
            gid = resolveGroup(config.gid().get());
            if (!groups.contains(gid)) {
                // A user could otherwise run code as group root, disk or docker: as good as root.
                throw new RefusedException(real + " sets gid = " + config.gid().get() + ", but " + user
                        + " does not belong to group " + groupName(gid).orElse(Integer.toString(gid)) + " (gid " + gid
                        + "); in tyrant mode an app may only run as a group of its INI's owner ('id " + user
                        + "' lists them)");
            }
        } else {
            // The file's group, as uWSGI does, when its owner is in it (root may have chgrp'ed it); else their own.
            gid = groups.contains(group) ? group : primaryGroup(owner);
        }
        return new WorkerIdentity(owner, gid, user);
    }

    /**
     * The groups a process of {@code uid} gets from {@code setpriv --init-groups}: its primary group (from
     * /etc/passwd) and every group of /etc/group that lists its name.
     */
    static Set<Integer> groupsOf(int uid) {
        Set<Integer> groups = new HashSet<>();
        groups.add(primaryGroup(uid));
        Optional<String> name = userName(uid);
        if (name.isPresent()) {
            for (String[] entry : entries(GROUP)) {
                if (entry.length > 3 && List.of(entry[3].split(",")).contains(name.get())) {
                    groups.add(Integer.parseInt(entry[2]));
                }
            }
        }
        return groups;
    }

    /** This identity for a tyrant emperor acting on the app's paths (tyrant mode, an INI its owner wrote). */
    public AppUser appUser() throws RefusedException {
        Set<Integer> groups = userName(uid).isPresent() ? new HashSet<>(groupsOf(uid)) : new HashSet<>();
        groups.add(gid);
        return new AppUser(uid, gid, user, home().orElse("/"), groups, commandPrefix());
    }

    /**
     * Refuses a {@code USER[:GROUP]} (chown-socket) that this identity could not give its own files to: another user,
     * or a group it is not in. Root would carry it out, so it would hand the user root's power over ownership.
     *
     * @param what the option, for the message ({@code shop.ini: chown-socket})
     */
    public void checkMayGiveFilesTo(String spec, String what) throws RefusedException {
        int colon = spec.indexOf(':');
        String userPart = colon < 0 ? spec : spec.substring(0, colon);
        String groupPart = colon < 0 ? "" : spec.substring(colon + 1);
        if (!userPart.isEmpty() && resolveUser(userPart) != uid) {
            throw new RefusedException(what + " = " + spec + " names another user than " + user + ", who owns the app;"
                    + " in tyrant mode a socket stays its owner's: use chmod-socket, or a group " + user + " is in");
        }
        if (!groupPart.isEmpty()) {
            int group = resolveGroup(groupPart);
            Set<Integer> own = new HashSet<>(groupsOf(uid));
            own.add(gid);
            if (!own.contains(group)) {
                throw new RefusedException(what + " = " + spec + ": " + user + " does not belong to group " + groupPart
                        + "; in tyrant mode a socket may only go to one of its owner's groups ('id " + user
                        + "' lists them)");
            }
        }
    }

    /** {@code setpriv ... --}: what goes before {@code java} in the worker's command. */
    public List<String> commandPrefix() throws RefusedException {
        if (!Files.isExecutable(SETPRIV)) {
            throw new RefusedException("dropping privileges needs " + SETPRIV + ": apt-get install util-linux");
        }
        List<String> prefix = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=" + uid, "--regid=" + gid));
        // Supplementary groups come from /etc/group for a named user; a bare uid gets none.
        prefix.add(userName(uid).isPresent() ? "--init-groups" : "--clear-groups");
        prefix.add("--");
        return prefix;
    }

    public MasterOptions.Owner owner() {
        return new MasterOptions.Owner(uid, gid);
    }

    static int resolveUser(String spec) throws RefusedException {
        if (spec.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(spec);
        }
        for (String[] entry : entries(PASSWD)) {
            if (entry.length > 3 && entry[0].equals(spec)) {
                return Integer.parseInt(entry[2]);
            }
        }
        throw new RefusedException("no user named '" + spec + "' (uid); create it, or give a number");
    }

    static int resolveGroup(String spec) throws RefusedException {
        if (spec.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(spec);
        }
        for (String[] entry : entries(GROUP)) {
            if (entry.length > 2 && entry[0].equals(spec)) {
                return Integer.parseInt(entry[2]);
            }
        }
        throw new RefusedException("no group named '" + spec + "' (gid); create it, or give a number");
    }

    static int primaryGroup(int uid) {
        for (String[] entry : entries(PASSWD)) {
            if (entry.length > 3 && entry[2].equals(Integer.toString(uid))) {
                return Integer.parseInt(entry[3]);
            }
        }
        return uid;
    }

    static Optional<String> groupName(int gid) {
        for (String[] entry : entries(GROUP)) {
            if (entry.length > 2 && entry[2].equals(Integer.toString(gid))) {
                return Optional.of(entry[0]);
            }
        }
        return Optional.empty();
    }

    /** The user's home directory, from /etc/passwd. */
    public Optional<String> home() {
        for (String[] entry : entries(PASSWD)) {
            if (entry.length > 5 && entry[2].equals(Integer.toString(uid))) {
                return Optional.of(entry[5]);
            }
        }
        return Optional.empty();
    }

    static Optional<String> userName(int uid) {
        for (String[] entry : entries(PASSWD)) {
            if (entry.length > 2 && entry[2].equals(Integer.toString(uid))) {
                return Optional.of(entry[0]);
            }
        }
        return Optional.empty();
    }

    private static List<String[]> entries(Path file) {
        List<String[]> entries = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    entries.add(line.split(":", -1));
                }
            }
        } catch (IOException e) {
            // no passwd file (a minimal container): names cannot be resolved, numbers still work
        }
        return entries;
    }
}
