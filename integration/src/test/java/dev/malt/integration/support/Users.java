package dev.malt.integration.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real system users and groups for the tests that drop privileges (tyrant mode), made with the passwd
 * package's tools as root, once: later runs find them there.
 */
public final class Users {

    private Users() {
    }

    /** Fails with what to do unless the tests run as root. */
    public static void requireRoot() {
        assertTrue("root".equals(System.getProperty("user.name")),
                "these tests drop privileges to real users and need to run as root: run ./run-tests as root");
    }

    /** A system user without a home or a shell; returns its uid. */
    public static int ensureUser(String user) {
        if (run("id", "-u", user).exitCode() != 0) {
            Result created = run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
            assertEquals(0, created.exitCode(), () -> "cannot create user " + user
                    + " (useradd from the passwd package, as root): " + created.output());
        }
        return Integer.parseInt(run("id", "-u", user).output().trim());
    }

    /** A system group with {@code member} as a supplementary member; returns its gid. */
    public static int ensureGroup(String group, String member) {
        if (run("getent", "group", group).exitCode() != 0) {
            Result created = run("groupadd", "--system", group);
            assertEquals(0, created.exitCode(), () -> "cannot create group " + group + ": " + created.output());
        }
        Result added = run("usermod", "--append", "--groups", group, member);
        assertEquals(0, added.exitCode(), () -> "cannot add " + member + " to " + group + ": " + added.output());
        String entry = run("getent", "group", group).output().trim();
        return Integer.parseInt(entry.split(":")[2]);
    }

    /** {@code chown -h OWNER PATH}: a symlink itself, not its target. */
    public static void chown(Path path, String owner) {
        Result result = run("chown", "-h", owner, path.toString());
        assertEquals(0, result.exitCode(), () -> "chown " + owner + " " + path + ": " + result.output());
    }

    /** The owner's uid of {@code path} itself (a symlink is not followed). */
    public static int ownerOf(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The permission bits of {@code path} itself, e.g. 0660. */
    public static int modeOf(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record Result(int exitCode, String output) {
    }

    public static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            return new Result(p.waitFor(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
