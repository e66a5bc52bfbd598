package dev.malt.server.master;

import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tyrant-mode rules on real files; the tests run as root in CI, as the emperor would. */
class WorkerIdentityTest {

    @Test
    void anIniWritableByOthersIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
        Path ini = app(dir, "open.ini", "");
        Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-rw-rw-"));
        WorkerIdentity.RefusedException e = assertThrows(WorkerIdentity.RefusedException.class,
                () -> WorkerIdentity.fromIniOwner(ini, load(ini)));
        assertTrue(e.getMessage().contains("writable by its group or by others") && e.getMessage().contains("chmod go-w"),
                e.getMessage());
    }

    @Test
    void aRootOwnedIniMustNameAnotherUser(@TempDir Path dir) throws Exception {
        assertTrue(WorkerIdentity.runningAsRoot(), "this test checks root-owned files: run the tests as root");
        Path ini = app(dir, "rooted.ini", "");
        WorkerIdentity.RefusedException e = assertThrows(WorkerIdentity.RefusedException.class,
                () -> WorkerIdentity.fromIniOwner(ini, load(ini)));
        assertTrue(e.getMessage().contains("does not run apps as root"), e.getMessage());

        Path named = app(dir, "named.ini", "uid = 65534\ngid = 65534\n");
        WorkerIdentity identity = WorkerIdentity.fromIniOwner(named, load(named));
        assertEquals(65534, identity.uid());
        assertEquals(65534, identity.gid());
    }

    @Test
    void anIniOwnedByAUserRunsAsThatUserAndMayNotChooseAnother(@TempDir Path dir) throws Exception {
        assertTrue(WorkerIdentity.runningAsRoot(), "chown needs root: run the tests as root");
        Path ini = app(dir, "mine.ini", "");
        Files.setAttribute(ini, "unix:uid", 65534);
        Files.setAttribute(ini, "unix:gid", 65534);
        WorkerIdentity identity = WorkerIdentity.fromIniOwner(ini, load(ini));
        assertEquals(65534, identity.uid());
        List<String> prefix = identity.commandPrefix();
        assertEquals("--reuid=65534", prefix.get(1));
        assertEquals("--", prefix.get(prefix.size() - 1));

        Path greedy = app(dir, "greedy.ini", "uid = 0\n");
        Files.setAttribute(greedy, "unix:uid", 65534);
        WorkerIdentity.RefusedException e = assertThrows(WorkerIdentity.RefusedException.class,
                () -> WorkerIdentity.fromIniOwner(greedy, load(greedy)));
        assertTrue(e.getMessage().contains("only a root-owned INI may choose its user"), e.getMessage());
    }

    @Test
    void aUsersIniMayNameOnlyGroupsItsOwnerBelongsTo(@TempDir Path dir) throws Exception {
        assertTrue(WorkerIdentity.runningAsRoot(), "chown needs root: run the tests as root");
        Path greedy = app(dir, "greedy.ini", "gid = root\n");
        Files.setAttribute(greedy, "unix:uid", 65534);
        WorkerIdentity.RefusedException e = assertThrows(WorkerIdentity.RefusedException.class,
                () -> WorkerIdentity.fromIniOwner(greedy, load(greedy)));
        assertTrue(e.getMessage().contains("nobody does not belong to group root (gid 0)"), e.getMessage());

        Path own = app(dir, "own.ini", "gid = nogroup\n");
        Files.setAttribute(own, "unix:uid", 65534);
        assertEquals(65534, WorkerIdentity.fromIniOwner(own, load(own)).gid());

        // Without gid, the file's group only when its owner is in it: root's chgrp gives nothing away.
        Path grouped = app(dir, "grouped.ini", "");
        Files.setAttribute(grouped, "unix:uid", 65534);
        Files.setAttribute(grouped, "unix:gid", 0);
        assertEquals(65534, WorkerIdentity.fromIniOwner(grouped, load(grouped)).gid());
    }

    private static Path app(Path dir, String name, String extra) throws Exception {
        Path ini = dir.resolve(name);
        Files.writeString(ini, "[malt]\nsocket = " + dir.resolve("x.sock") + "\nservlet = a.B\n" + extra);
        Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-r--r--"));
        return ini;
    }

    private static AppConfig load(Path ini) {
        return new ConfigLoader(Map.of(), ini.getParent()).load(ini);
    }
}
