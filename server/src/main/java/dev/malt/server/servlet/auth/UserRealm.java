package dev.malt.server.servlet.auth;

import org.slf4j.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The users and roles of one app, from files an Apache or nginx operator already keeps: an htpasswd
 * file ({@code user:hash}) and an AuthGroupFile ({@code role: user1 user2}). The worker reads them (it
 * runs as the app's user) when it starts, and again when a file changes: checked at most once per
 * {@code checkInterval}, by modification time, size and inode, so {@code htpasswd} edits take effect
 * without a reload. A file that breaks while the app runs is reported once, with its line, and the
 * users read before stay in effect.
 *
 * <p>Thread-safe: any app thread may authenticate at any time.
 */
public final class UserRealm {

    /** A user or group file larger than this is refused: it is surely not one. */
    public static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    /** Longer passwords fail without being hashed: crypt's cost grows with the length. */
    public static final int MAX_PASSWORD_BYTES = 1024;
    /** How often, at most, the files' metadata is looked at. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);

    private static final int MAX_NAMED_WEAK_USERS = 10;

    private record Stamp(long modifiedNanos, long size, Object fileKey) {
    }

    /** What the files said when last read. */
    private record Snapshot(Map<String, PasswordHash> users, Map<String, Set<String>> roles, Stamp userStamp,
                            Stamp groupStamp, PasswordHash decoy) {
    }

    private final UserFiles files;
    private final Logger log;
    private final long checkIntervalNanos;
    private final VerifiedPasswords verified;
    private volatile Snapshot snapshot;
    private volatile long lastCheck;
    /** The stamps of files that failed to load, so one broken edit is reported once. */
    private List<Stamp> failedStamps;

    /**
     * Reads the files now.
     *
     * @param files         the files; at least one of them
     * @param log           where loading and re-reading are reported
     * @param checkInterval how often, at most, to look whether the files changed ({@link Duration#ZERO}: always)
     * @param cacheEntries  how many recent successful password checks to remember (0: none)
     * @throws RealmFileException naming the file and line when a file cannot be used
     */
    public UserRealm(UserFiles files, Logger log, Duration checkInterval, int cacheEntries) throws RealmFileException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no user or group file");
        }
        this.files = files;
        this.log = Objects.requireNonNull(log, "log");
        this.checkIntervalNanos = checkInterval.toNanos();
        this.verified = new VerifiedPasswords(cacheEntries);
        Snapshot first = load();
        log.info(describe(first));
        warnAboutWeakHashes(first);
        this.snapshot = first;
        this.lastCheck = System.nanoTime();
    }

    /** With the defaults: checked each second, {@value VerifiedPasswords#DEFAULT_MAX_ENTRIES} cached checks. */
    public static UserRealm open(UserFiles files, Logger log) throws RealmFileException {
        return new UserRealm(files, log, DEFAULT_CHECK_INTERVAL, VerifiedPasswords.DEFAULT_MAX_ENTRIES);
    }

    public UserFiles files() {
        return files;
    }

    /** Whether users can log in here (there is a user file), rather than only get roles. */
    public boolean hasUserFile() {
        return files.userFile() != null;
    }

    /**
     * Whether the password is the user's. An unknown user costs as much as a wrong password, so the
     * answer's timing does not tell which names exist.
     */
    public boolean authenticate(String user, String password) {
        if (user == null || password == null) {
            return false;
        }
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_PASSWORD_BYTES) {
            return false;
        }
        Snapshot current = current();
        PasswordHash hash = current.users().get(user);
        if (hash == null) {
            if (current.decoy() != null) {
                current.decoy().matches(bytes);
            }
            return false;
        }
        if (verified.contains(user, bytes, hash)) {
            return true;
        }
        if (!hash.matches(bytes)) {
            return false;
        }
        verified.add(user, bytes, hash);
        return true;
    }

    /** Whether the user file still has this user (a login kept in a session ends when the line goes). */
    public boolean hasUser(String user) {
        return user != null && current().users().containsKey(user);
    }

    /** The roles of a user: the groups that list it. */
    public Set<String> roles(String user) {
        if (user == null) {
            return Set.of();
        }
        Set<String> roles = current().roles().get(user);
        return roles == null ? Set.of() : roles;
    }

    /** How many successful checks are remembered now (for tests and stats). */
    int cachedChecks() {
        return verified.size();
    }

    // ---- reading and re-reading

    private Snapshot current() {
        long now = System.nanoTime();
        if (now - lastCheck < checkIntervalNanos) {
            return snapshot;
        }
        synchronized (this) {
            if (System.nanoTime() - lastCheck < checkIntervalNanos) {
                return snapshot;
            }
            lastCheck = System.nanoTime();
            Snapshot old = snapshot;
            Stamp user = stamp(files.userFile());
            Stamp group = stamp(files.groupFile());
            if (Objects.equals(user, old.userStamp()) && Objects.equals(group, old.groupStamp())) {
                return old;
            }
            List<Stamp> stamps = java.util.Arrays.asList(user, group);
            if (stamps.equals(failedStamps)) {
                return old;
            }
            try {
                Snapshot fresh = load();
                verified.clear();
                snapshot = fresh;
                failedStamps = null;
                log.info(AuthMessages.reloaded(describe(fresh)));
                warnAboutWeakHashes(fresh);
                return fresh;
            } catch (RealmFileException e) {
                failedStamps = stamps;
                log.error(AuthMessages.reloadFailed(e.getMessage()));
                return old;
            }
        }
    }

    private Snapshot load() throws RealmFileException {
        Path userFile = files.userFile();
        Path groupFile = files.groupFile();
        // stamps first: a change while reading then shows as a change at the next check
        Stamp userStamp = stamp(userFile);
        Stamp groupStamp = stamp(groupFile);
        Map<String, PasswordHash> users = userFile == null ? Map.of()
                : HtpasswdFile.parse(userFile, TextLines.read(userFile, MAX_FILE_BYTES));
        Map<String, Set<String>> roles = groupFile == null ? Map.of()
                : GroupFile.parse(groupFile, TextLines.read(groupFile, MAX_FILE_BYTES));
        PasswordHash decoy = null;
        for (PasswordHash hash : users.values()) {
            if (hash.scheme() == PasswordHash.Scheme.BCRYPT) {
                decoy = hash;
                break;
            }
        }
        return new Snapshot(Collections.unmodifiableMap(users), Map.copyOf(roles), userStamp, groupStamp, decoy);
    }

    private static Stamp stamp(Path file) {
        if (file == null) {
            return null;
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                    attributes.size(), attributes.fileKey());
        } catch (IOException e) {
            return new Stamp(-1, -1, e.getClass().getName()); // gone or unreadable: differs from any good stamp
        }
    }

    private String describe(Snapshot s) {
        return AuthMessages.loaded(s.users().size(), files.userFile(), GroupFile.roleCount(s.roles()),
                files.groupFile());
    }

    private void warnAboutWeakHashes(Snapshot s) {
        List<String> weakUsers = new ArrayList<>();
        Set<String> schemes = new TreeSet<>();
        s.users().forEach((user, hash) -> {
            if (hash.scheme().isWeak()) {
                weakUsers.add(user);
                schemes.add(hash.scheme().label());
            }
        });
        if (weakUsers.isEmpty()) {
            return;
        }
        List<String> named = new ArrayList<>(weakUsers.subList(0, Math.min(MAX_NAMED_WEAK_USERS, weakUsers.size())));
        if (weakUsers.size() > named.size()) {
            named.add("and " + (weakUsers.size() - named.size()) + " more");
        }
        log.warn(AuthMessages.weakHashes(files.userFile(), weakUsers.size(), named, schemes));
    }
}
