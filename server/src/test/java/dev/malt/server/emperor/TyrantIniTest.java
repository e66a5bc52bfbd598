package dev.malt.server.emperor;

import dev.malt.server.config.ConfigException;
import dev.malt.server.master.WorkerIdentity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a tyrant emperor reads INI files, on real files as root: a user's INI is read as that user (uid 65534,
 * nobody, here), and a root-owned one only through paths nobody else can change.
 */
class TyrantIniTest {

    private static final int NOBODY = 65534;
    private static final Map<String, String> EMPEROR_ENV = Map.of("PATH", "/usr/bin:/bin",
            "DATABASE_PASSWORD", "TOPSECRET-VAR");

    @TempDir
    Path scratch;
    private Path dir;

    @BeforeEach
    void layout() throws Exception {
        assertTrue(WorkerIdentity.runningAsRoot(), "these tests read files as another user: run them as root");
        // @TempDir is 0700; the user must be able to reach its own files.
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        dir = Files.createDirectory(scratch.resolve("apps"));
    }

    @Test
    void aUsersIncludeIsReadAsTheUserAndTheSummaryQuotesNoLine() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.ini"), "[malt]\nTOPSECRET-LINE: not an option\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path ini = userIni("mine.ini", "ini = " + secret + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> load(ini));
        assertTrue(e.getMessage().contains("cannot read " + secret) && e.getMessage().contains("permission denied"),
                e.getMessage());
        assertFalse(e.getMessage().contains("TOPSECRET"), e.getMessage());

        // Readable by the user: read, and then the problem shows in the log, but not in last_error.
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        ConfigException readable = assertThrows(ConfigException.class, () -> load(ini));
        assertTrue(readable.getMessage().contains("TOPSECRET-LINE"), readable.getMessage());
        String summary = Vassal.summary(readable);
        assertTrue(summary.contains("secret.ini:2"), summary);
        assertFalse(summary.contains("TOPSECRET"), summary);
    }

    @Test
    void aUsersIncludeThatTheUserMayReadWorks() throws Exception {
        Path common = userIni("common.ini", "");
        Files.writeString(common, "[malt]\nworkers = 3\n");
        Path ini = userIni("mine.ini", "ini = " + common + "\n");
        TyrantIni.Loaded loaded = load(ini);
        assertEquals(3, loaded.config().workers());
        assertEquals(NOBODY, loaded.identity().uid());
        assertEquals(NOBODY, loaded.user().orElseThrow().uid());
    }

    @Test
    void aUsersIniSeesNoneOfTheEmperorsSecrets() throws Exception {
        Path ini = userIni("mine.ini", "env = LEAK=$(DATABASE_PASSWORD)\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(ini));
        assertTrue(e.getMessage().contains("DATABASE_PASSWORD"), e.getMessage());
        assertFalse(e.getMessage().contains("TOPSECRET"), e.getMessage());

        Path path = userIni("path.ini", "env = P=$(PATH)\nenv = U=$(USER)\n");
        assertEquals(Map.of("P", "/usr/bin:/bin", "U", "nobody"), load(path).config().env());
    }

    @Test
    void aRootOwnedIniReachedThroughAUsersLinkIsRefusedUnread() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.ini"), "[malt]\nuid = nobody\nTOPSECRET-LINE: x\n");
        Path users = Files.createDirectory(scratch.resolve("users"));
        Files.setAttribute(users, "unix:uid", NOBODY);
        Path link = Files.createSymbolicLink(users.resolve("bait.ini"), secret);
        Files.setAttribute(link, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);

        WorkerIdentity.RefusedException e = assertThrows(WorkerIdentity.RefusedException.class, () -> load(link));
        assertTrue(e.getMessage().contains("is owned by root, but " + users + "/bait.ini"), e.getMessage());
        assertFalse(e.getMessage().contains("TOPSECRET"), e.getMessage());
    }

    @Test
    void aRootOwnedIniIncludesOnlyRootsFiles() throws Exception {
        Path usersFile = userIni("extra.ini", "");
        Path ini = Files.writeString(dir.resolve("admin.ini"), "[malt]\nsocket = " + dir.resolve("a.sock")
                + "\nservlet = a.B\nuid = nobody\nini = " + usersFile + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(ini));
        assertTrue(e.getMessage().contains("only include files of root's"), e.getMessage());

        Path rootsFile = Files.writeString(dir.resolve("common.ini"), "[malt]\nworkers = 2\n");
        Files.writeString(ini, "[malt]\nsocket = " + dir.resolve("a.sock") + "\nservlet = a.B\nuid = nobody\nini = "
                + rootsFile + "\n");
        TyrantIni.Loaded loaded = load(ini);
        assertEquals(2, loaded.config().workers());
        assertEquals(NOBODY, loaded.identity().uid());
        assertTrue(loaded.user().isEmpty(), "root's own INI: the master acts as itself");
    }

    @Test
    void aUserMayNotGiveSocketsAwayNorHaveRootBindStats() throws Exception {
        Path giveaway = userIni("give.ini", "chown-socket = root:root\n");
        WorkerIdentity.RefusedException e = assertThrows(WorkerIdentity.RefusedException.class, () -> load(giveaway));
        assertTrue(e.getMessage().contains("chown-socket = root:root names another user"), e.getMessage());

        Path group = userIni("group.ini", "chown-socket = :root\n");
        e = assertThrows(WorkerIdentity.RefusedException.class, () -> load(group));
        assertTrue(e.getMessage().contains("does not belong to group root"), e.getMessage());

        Path own = userIni("own.ini", "chown-socket = nobody:nogroup\n");
        assertEquals(NOBODY, load(own).identity().uid());

        Path stats = userIni("stats.ini", "stats = " + dir.resolve("stats.sock") + "\n");
        e = assertThrows(WorkerIdentity.RefusedException.class, () -> load(stats));
        assertTrue(e.getMessage().contains("give the app's stats a TCP address"), e.getMessage());

        Path privileged = userIni("port.ini", "stats = 127.0.0.1:81\n");
        e = assertThrows(WorkerIdentity.RefusedException.class, () -> load(privileged));
        assertTrue(e.getMessage().contains("privileged port"), e.getMessage());
    }

    @Test
    void pathsTheIniNamesAreLookedUpAsTheUser() throws Exception {
        Path vault = Files.createDirectory(scratch.resolve("vault"));
        Files.setPosixFilePermissions(vault, PosixFilePermissions.fromString("rwx------"));
        Path hidden = Files.writeString(vault.resolve("app.war"), "");
        Path ini = userIni("war.ini", "static-map = /s=" + hidden + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(ini));
        assertTrue(e.getMessage().contains("static-map") && e.getMessage().contains(hidden.toString()), e.getMessage());
    }

    private Path userIni(String name, String extra) throws Exception {
        Path ini = Files.writeString(dir.resolve(name), "[malt]\nsocket = " + dir.resolve("x.sock")
                + "\nservlet = a.B\n" + extra);
        Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setAttribute(ini, "unix:uid", NOBODY);
        Files.setAttribute(ini, "unix:gid", NOBODY);
        return ini;
    }

    private TyrantIni.Loaded load(Path ini) throws Exception {
        return TyrantIni.load(ini, EMPEROR_ENV, dir);
    }
}
