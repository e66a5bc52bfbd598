package dev.malt.server.privileges;

import dev.malt.server.testing.Eventually;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A log appended to as the app's user (nobody, here), as a tyrant emperor does for a user's {@code logto}. */
class UserLogStreamTest {

    private static final int NOBODY = 65534;
    private static final AppUser USER = new AppUser(NOBODY, NOBODY, "nobody", "/nonexistent", Set.of(NOBODY),
            List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));

    @Test
    void theFileIsTheUsersAndALinkToRootsFileGetsNothing(@TempDir Path scratch) throws Exception {
        assertTrue("root".equals(System.getProperty("user.name")), "run the tests as root");
        Path dir = usersDirectory(scratch);
        Path log = dir.resolve("logs/app.log");
        try (OutputStream out = USER.appendTo(log, 1 << 20)) {
            out.write("first line\n".getBytes(StandardCharsets.UTF_8));
        }
        awaitContent(log, "first line\n");
        assertEquals(NOBODY, Files.getAttribute(log, "unix:uid", LinkOption.NOFOLLOW_LINKS));

        Path rootsFile = Files.writeString(scratch.resolve("roots.conf"), "root's\n");
        Path link = Files.createSymbolicLink(dir.resolve("evil.log"), rootsFile);
        IOException e = assertThrows(IOException.class, () -> USER.appendTo(link, 1 << 20));
        assertTrue(e.getMessage().contains("cannot open " + link + " as nobody: Permission denied"), e.getMessage());
        assertEquals("root's\n", Files.readString(rootsFile));
    }

    /** The user can stop their helper (it runs as them); the emperor's writes must still return, and say what was lost. */
    @Test
    void aStoppedHelperNeitherBlocksTheWriterNorGrowsItsQueue(@TempDir Path scratch) throws Exception {
        Path log = usersDirectory(scratch).resolve("app.log");
        OutputStream out = USER.appendTo(log, 4096);
        ProcessHandle helper = awaitCat();
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(helper.pid())).start().waitFor());
        byte[] line = ("x".repeat(99) + "\n").getBytes(StandardCharsets.UTF_8);
        // 10 MB to a helper that reads nothing: the pipe (64 KiB) fills, then the 4 KiB queue, then writes drop.
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 100_000; i++) {
                out.write(line);
            }
        }, "a stopped helper blocked the writer");
        assertEquals(0, new ProcessBuilder("kill", "-CONT", Long.toString(helper.pid())).start().waitFor());
        out.write("last line\n".getBytes(StandardCharsets.UTF_8));
        out.close();
        String text = awaitEnding(log, "last line\n");
        assertTrue(text.contains("log writes were dropped: the log writer running as nobody did not keep up"),
                () -> "no word of the dropped lines in " + text.length() + " bytes");
        assertFalse(text.length() > 1_000_000, "most lines were dropped, not queued: " + text.length());
    }

    /** The helper opened the file (appendTo waits for that), then execs cat: waits for that too. */
    private static ProcessHandle awaitCat() {
        return Eventually.value("a helper (cat) appending to the log", () -> ProcessHandle.current().children()
                .filter(p -> p.info().command().orElse("").endsWith("/cat")).findFirst().orElse(null));
    }

    private static Path usersDirectory(Path scratch) throws IOException {
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createDirectory(scratch.resolve("user"));
        Files.setAttribute(dir, "unix:uid", NOBODY);
        return dir;
    }

    private static void awaitContent(Path file, String expected) throws Exception {
        String text = awaitEnding(file, expected);
        assertEquals(expected, text);
    }

    /** The helper writes asynchronously: waits for the file to end with {@code ending}. */
    private static String awaitEnding(Path file, String ending) {
        return Eventually.value(file + " ending with " + ending.strip(), () -> {
            try {
                String text = Files.exists(file) ? Files.readString(file) : "";
                return text.endsWith(ending) ? text : null;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
