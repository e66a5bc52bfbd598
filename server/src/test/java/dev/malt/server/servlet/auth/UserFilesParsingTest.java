package dev.malt.server.servlet.auth;

import org.apache.commons.codec.digest.Md5Crypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The htpasswd and group file readers: what Apache accepts, and errors that name the file and line. */
class UserFilesParsingTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static Map<String, PasswordHash> users(Path file) throws RealmFileException {
        return HtpasswdFile.parse(file, TextLines.read(file, UserRealm.MAX_FILE_BYTES));
    }

    private static Map<String, Set<String>> groups(Path file) throws RealmFileException {
        return GroupFile.parse(file, TextLines.read(file, UserRealm.MAX_FILE_BYTES));
    }

    private static void assertFails(String expected, RealmFileException e) {
        assertTrue(e.getMessage().contains(expected), "'" + expected + "' missing in: " + e.getMessage());
    }

    @Test
    void htpasswdLinesCommentsBlankLinesAndCrlf() throws Exception {
        String bob = Md5Crypt.apr1Crypt("b".getBytes(StandardCharsets.UTF_8));
        Path file = write("shop.htpasswd", "# users of the shop\r\n\r\nalice:{SHA}FIOVHSnLL3QkTpKtwhYrQVvufT8=\r\n"
                + "  bob:" + bob + "  \n");
        Map<String, PasswordHash> users = users(file);
        assertEquals(List.of("alice", "bob"), List.copyOf(users.keySet()));
        assertEquals(PasswordHash.Scheme.APR1, users.get("bob").scheme());
    }

    @Test
    void htpasswdErrorsNameFileLineAndUser() throws Exception {
        Path file = write("a.htpasswd", "alice:{SHA}FIOVHSnLL3QkTpKtwhYrQVvufT8=\n# c\nbob:hunter2\n");
        assertFails(file + ":3: user 'bob': the password is not hashed",
                assertThrows(RealmFileException.class, () -> users(file)));
        Path noColon = write("b.htpasswd", "alice\n");
        assertFails(noColon + ":1: expected 'user:hash'", assertThrows(RealmFileException.class, () -> users(noColon)));
        Path empty = write("c.htpasswd", ":{SHA}FIOVHSnLL3QkTpKtwhYrQVvufT8=\n");
        assertFails(empty + ":1: the user name before ':' is empty",
                assertThrows(RealmFileException.class, () -> users(empty)));
        Path twice = write("d.htpasswd", "alice:{SHA}FIOVHSnLL3QkTpKtwhYrQVvufT8=\n\nalice:{SHA}FIOVHSnLL3QkTpKtwhYrQVvufT8=\n");
        assertFails(twice + ":3: user 'alice' is already defined on line 1",
                assertThrows(RealmFileException.class, () -> users(twice)));
        Path latin1 = dir.resolve("e.htpasswd");
        Files.write(latin1, "ok:{SHA}FIOVHSnLL3QkTpKtwhYrQVvufT8=\nj\u00f6rg:{SHA}FIOVHSnLL3QkTpKtwhYrQVvufT8=\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertFails(latin1 + ":2: this line is not valid UTF-8", assertThrows(RealmFileException.class, () -> users(latin1)));
    }

    @Test
    void missingAndOversizedFilesSaySo() throws Exception {
        Path missing = dir.resolve("none.htpasswd");
        assertFails(missing + ": cannot read it: it does not exist",
                assertThrows(RealmFileException.class, () -> TextLines.read(missing, 100)));
        Path big = write("big.htpasswd", "x".repeat(101));
        assertFails(big + ": the file has 101 bytes, over the limit of 100 bytes",
                assertThrows(RealmFileException.class, () -> TextLines.read(big, 100)));
    }

    @Test
    void groupFileGivesEachUserItsRolesAcrossLines() throws Exception {
        Path file = write("shop.groups", "# roles\nAdministrator: alice\nManager:alice  bob\n\nManager: carol\nEmpty:\n");
        Map<String, Set<String>> roles = groups(file);
        assertEquals(Set.of("Administrator", "Manager"), roles.get("alice"));
        assertEquals(Set.of("Manager"), roles.get("bob"));
        assertEquals(Set.of("Manager"), roles.get("carol"));
        assertEquals(2, GroupFile.roleCount(roles));
    }

    @Test
    void groupFileErrorsNameFileAndLine() throws Exception {
        Path noColon = write("a.groups", "Administrator: alice\nManager bob\n");
        assertFails(noColon + ":2: expected 'role: user1 user2'",
                assertThrows(RealmFileException.class, () -> groups(noColon)));
        Path empty = write("b.groups", " : alice\n");
        assertFails(empty + ":1: the role (group) name before ':' is empty",
                assertThrows(RealmFileException.class, () -> groups(empty)));
    }
}
