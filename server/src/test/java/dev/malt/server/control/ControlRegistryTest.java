package dev.malt.server.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control directory is its user's alone: whoever else controls it could read the entries, forge them (and so
 * receive {@code malt reload}'s commands), or turn a file Malt writes into a link to one of the user's files.
 */
class ControlRegistryTest {

    private static final long PID = 4242;

    @Test
    void itIsCreatedPrivateAllTheWayDown(@TempDir Path tmp) throws Exception {
        ControlRegistry registry = ControlRegistry.standard(Map.of(), "alice", tmp);
        assertEquals(tmp.resolve("malt-alice/control"), registry.dir());
        assertEquals(tmp.resolve("malt-alice/control/" + PID + ".sock"), registry.socketFor(PID));
        assertEquals("rwx------", mode(tmp.resolve("malt-alice")));
        assertEquals("rwx------", mode(tmp.resolve("malt-alice/control")));

        Path plain = tmp.resolve("other/malt-bob/control");
        new ControlRegistry(plain).socketFor(PID);
        assertEquals("rwx------", mode(plain.getParent()), "a missing parent is made private too");
    }

    @Test
    void oneOthersMayWriteIsRefused(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("malt-alice/control"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> new ControlRegistry(dir).socketFor(PID));
        assertTrue(e.getMessage().contains("is writable by others (mode 0777)"), e.getMessage());

        // In /tmp, malt-USER itself counts: someone could have made it before the user did.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        e = assertThrows(IOException.class, () -> ControlRegistry.standard(Map.of(), "alice", tmp).socketFor(PID));
        assertTrue(e.getMessage().contains(dir.getParent() + " is writable by others"), e.getMessage());
    }

    @Test
    void oneSomeoneElseOwnsIsRefused(@TempDir Path tmp) throws Exception {
        assertTrue("root".equals(System.getProperty("user.name")), "chown needs root: run the tests as root");
        Path dir = Files.createDirectories(tmp.resolve("malt-alice/control"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(dir, "unix:uid", 65534);
        IOException e = assertThrows(IOException.class, () -> new ControlRegistry(dir).socketFor(PID));
        assertTrue(e.getMessage().contains("belongs to uid 65534"), e.getMessage());
        assertTrue(new ControlRegistry(dir).live().isEmpty(), "entries in someone else's directory are not used");
    }

    @Test
    void aLinkInPlaceOfTheDirectoryIsRefused(@TempDir Path tmp) throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
        Path dir = Files.createSymbolicLink(tmp.resolve("control"), elsewhere);
        IOException e = assertThrows(IOException.class, () -> new ControlRegistry(dir).socketFor(PID));
        assertTrue(e.getMessage().contains("is not a directory (a link or a file is in the way)"), e.getMessage());
    }

    @Test
    void registeringNeverWritesThroughALink(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("control");
        ControlRegistry registry = new ControlRegistry(dir);
        registry.socketFor(PID);
        Path victim = Files.writeString(tmp.resolve("victim"), "the user's own file\n");
        Files.createSymbolicLink(dir.resolve(PID + ".info.tmp"), victim);

        registry.register(new ControlRegistry.Entry(PID, "app", "shop", "/etc/shop.ini", "", dir.resolve(PID + ".sock")));
        assertEquals("the user's own file\n", Files.readString(victim));
        assertTrue(Files.isRegularFile(dir.resolve(PID + ".info"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.readString(dir.resolve(PID + ".info")).contains("name=shop"));
        assertTrue(!Files.exists(dir.resolve(PID + ".info.tmp"), LinkOption.NOFOLLOW_LINKS));
    }

    private static String mode(Path dir) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
    }
}
