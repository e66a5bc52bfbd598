package dev.malt.server.servlet.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.commons.codec.digest.Md5Crypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users and roles from the two files, the cache of successful checks, and re-reading on change. */
class UserRealmTest {

    @TempDir
    Path dir;

    private final Logger log = (Logger) LoggerFactory.getLogger("malt.app.realm-test");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        log.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        log.detachAppender(logs);
    }

    private static String bcrypt(String password) {
        return BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, password.toCharArray());
    }

    private static String apr1(String password) {
        return Md5Crypt.apr1Crypt(password.getBytes(StandardCharsets.UTF_8));
    }

    /** As htpasswd does: a new file renamed over the old one. */
    private Path replace(String name, String text) throws IOException {
        Path temp = Files.writeString(dir.resolve(name + ".tmp"), text);
        return Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private UserRealm realm(Path users, Path groups, int cacheEntries) throws RealmFileException {
        return new UserRealm(new UserFiles(users, groups), log, Duration.ZERO, cacheEntries);
    }

    private List<String> messages() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void usersLogInWithTheirPasswordAndGetTheirGroupsAsRoles() throws Exception {
        Path users = replace("shop.htpasswd", "alice:" + bcrypt("wonder land") + "\nbob:" + apr1("bob-pw") + "\n");
        Path groups = replace("shop.groups", "Administrator: alice\nManager: alice bob\n");
        UserRealm realm = realm(users, groups, 10);
        assertTrue(realm.authenticate("alice", "wonder land"));
        assertFalse(realm.authenticate("alice", "wonder"));
        assertTrue(realm.authenticate("bob", "bob-pw"));
        assertFalse(realm.authenticate("mallory", "wonder land"));
        assertFalse(realm.authenticate("alice", null));
        assertFalse(realm.authenticate("alice", "x".repeat(UserRealm.MAX_PASSWORD_BYTES + 1)));
        assertEquals(Set.of("Administrator", "Manager"), realm.roles("alice"));
        assertEquals(Set.of("Manager"), realm.roles("bob"));
        assertEquals(Set.of(), realm.roles("mallory"));
        assertTrue(realm.hasUser("bob"));
        assertFalse(realm.hasUser("mallory"));
        assertTrue(messages().contains("users and roles: 2 users from " + users + ", 2 roles from " + groups),
                messages().toString());
        assertTrue(messages().stream().anyMatch(m -> m.contains("1 user has a weak password hash (Apache MD5"
                + " ($apr1$)): bob. Set their passwords again with 'htpasswd -B")), messages().toString());
    }

    @Test
    void onlySuccessfulChecksAreRememberedAndWithinTheBound() throws Exception {
        Path users = replace("shop.htpasswd", "a:" + bcrypt("pa") + "\nb:" + bcrypt("pb") + "\nc:" + bcrypt("pc") + "\n");
        UserRealm realm = realm(users, null, 2);
        assertFalse(realm.authenticate("a", "wrong"));
        assertEquals(0, realm.cachedChecks(), "a failure is never remembered");
        assertTrue(realm.authenticate("a", "pa"));
        assertTrue(realm.authenticate("a", "pa"));
        assertEquals(1, realm.cachedChecks());
        assertFalse(realm.authenticate("a", "wrong"), "a remembered success does not let other passwords in");
        assertTrue(realm.authenticate("b", "pb"));
        assertTrue(realm.authenticate("c", "pc"));
        assertEquals(2, realm.cachedChecks(), "bounded");
        UserRealm uncached = realm(users, null, 0);
        assertTrue(uncached.authenticate("a", "pa"));
        assertEquals(0, uncached.cachedChecks());
    }

    @Test
    void aChangedFileIsReadAgainAndForgetsRememberedPasswords() throws Exception {
        Path users = replace("shop.htpasswd", "alice:" + bcrypt("old") + "\n");
        Path groups = replace("shop.groups", "Manager: alice\n");
        UserRealm realm = realm(users, groups, 10);
        assertTrue(realm.authenticate("alice", "old"));
        assertEquals(1, realm.cachedChecks());

        replace("shop.htpasswd", "alice:" + bcrypt("new") + "\nbob:" + bcrypt("pw") + "\n");
        replace("shop.groups", "Administrator: alice\n");
        assertFalse(realm.authenticate("alice", "old"), "the old password is gone with the old line");
        assertEquals(0, realm.cachedChecks());
        assertTrue(realm.authenticate("alice", "new"));
        assertTrue(realm.authenticate("bob", "pw"));
        assertEquals(Set.of("Administrator"), realm.roles("alice"));
        assertTrue(messages().contains("re-read users and roles: 2 users from " + users + ", 1 role from " + groups),
                messages().toString());
    }

    @Test
    void aBrokenEditKeepsTheUsersReadBeforeAndIsReportedOnce() throws Exception {
        Path users = replace("shop.htpasswd", "alice:" + bcrypt("pw") + "\n");
        UserRealm realm = realm(users, null, 10);
        replace("shop.htpasswd", "alice:" + bcrypt("pw") + "\nbob:plain\n");
        assertTrue(realm.authenticate("alice", "pw"));
        assertFalse(realm.hasUser("bob"));
        assertTrue(realm.hasUser("alice"));
        List<String> errors = logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(users + ":2: user 'bob': the password is not hashed"), errors.get(0));
        assertTrue(errors.get(0).endsWith("Malt keeps the users and roles it read before until the file is fixed"));

        Files.delete(users);
        assertTrue(realm.authenticate("alice", "pw"), "a vanished file keeps the users too");
        replace("shop.htpasswd", "bob:" + bcrypt("pw") + "\n");
        assertTrue(realm.authenticate("bob", "pw"), "fixed: read again");
        assertFalse(realm.hasUser("alice"));
    }

    @Test
    void aFileThatCannotBeReadAtStartIsAnError() throws Exception {
        Path missing = dir.resolve("none.htpasswd");
        RealmFileException e = assertThrows(RealmFileException.class, () -> realm(missing, null, 10));
        assertEquals(missing + ": cannot read it: it does not exist", e.getMessage());
    }

    @Test
    void aGroupFileAloneGivesRolesButNoLogins() throws Exception {
        Path groups = replace("shop.groups", "Manager: frontend-user\n");
        UserRealm realm = realm(null, groups, 10);
        assertFalse(realm.hasUserFile());
        assertFalse(realm.authenticate("frontend-user", "anything"));
        assertEquals(Set.of("Manager"), realm.roles("frontend-user"));
    }
}
