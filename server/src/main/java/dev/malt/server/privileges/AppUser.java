package dev.malt.server.privileges;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An app's user, as a tyrant emperor (root) acts for it: every path that the app's INI names is opened by a
 * small command that runs as this user under {@code setpriv}, so the kernel checks it with the user's rights,
 * symlinks included. Root never follows a path that the user controls.
 *
 * <p>Each command is bounded: its output by a cap, its run time by {@link #COMMAND_TIMEOUT_SECONDS} (a FIFO named
 * as a file would otherwise block it forever).
 */
public final class AppUser {

    /** How long a helper command may take: a FIFO or a stalled network file system must not hang the emperor. */
    public static final long COMMAND_TIMEOUT_SECONDS = 30;
    /** The largest INI file read for an app; an app's config is a few kilobytes. */
    public static final int MAX_INI_BYTES = 1 << 20;
    /** The most bytes of error text kept from a helper command. */
    static final int MAX_ERROR_BYTES = 4096;

    /**
     * What a process of the app's user may see of the emperor's environment: nothing that could be a secret
     * (systemd's Environment= and EnvironmentFile= are root's). The user's own HOME, USER and LOGNAME are added.
     */
    public static final List<String> PASSED_VARIABLES = List.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ");

    private final int uid;
    private final int gid;
    private final String name;
    private final String home;
    private final Set<Integer> groups;
    private final List<String> setpriv;

    /**
     * @param home    the user's home directory, for {@code HOME}
     * @param setpriv the {@code setpriv ... --} prefix that becomes this user
     * @param groups  the primary and supplementary groups that prefix gives
     */
    public AppUser(int uid, int gid, String name, String home, Set<Integer> groups, List<String> setpriv) {
        this.uid = uid;
        this.gid = gid;
        this.name = name;
        this.home = home;
        this.groups = Set.copyOf(groups);
        this.setpriv = List.copyOf(setpriv);
    }

    /**
     * The environment a process of this user starts with: {@link #PASSED_VARIABLES} of {@code emperor}'s, and
     * the user's own HOME, USER and LOGNAME. Whatever runs as the user can read it (/proc/PID/environ).
     */
    public Map<String, String> environment(Map<String, String> emperor) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String variable : PASSED_VARIABLES) {
            if (emperor.containsKey(variable)) {
                environment.put(variable, emperor.get(variable));
            }
        }
        environment.put("HOME", home);
        environment.put("USER", name);
        environment.put("LOGNAME", name);
        return environment;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    public String name() {
        return name;
    }

    public Set<Integer> groups() {
        return groups;
    }

    /** A file's real path (as the user resolves it) and its bytes. */
    public record FileRead(Path realPath, byte[] bytes) {
    }

    /**
     * Reads a regular file as this user, up to {@code limit} bytes.
     *
     * @throws NoSuchFileException    it does not exist (for this user)
     * @throws AccessDeniedException  the user may not read it or reach it
     * @throws IOException            it is not a regular file, is larger than the limit, or the read failed
     */
    public FileRead read(Path file, int limit) throws IOException {
        Result result = run(List.of("/bin/sh", "-c",
                "real=$(realpath -e -- \"$1\") || exit 2\n"
                        + "if [ -d \"$real\" ]; then echo 'it is a directory' >&2; exit 3; fi\n"
                        + "if [ ! -f \"$real\" ]; then echo 'it is not a regular file' >&2; exit 3; fi\n"
                        + "printf '%s\\0' \"$real\"\n"
                        + "exec head -c \"$2\" -- \"$real\"",
                "malt-read", file.toString(), Integer.toString(limit + 1)), limit + 4097);
        if (result.code() != 0) {
            throw failure(file, result.error());
        }
        int nul = indexOf(result.output(), (byte) 0);
        if (nul < 0) {
            throw new IOException("cannot read " + file + " as " + name + ": the helper's answer was cut short");
        }
        int length = result.output().length - nul - 1;
        if (length > limit) {
            throw new IOException("it is larger than " + limit + " bytes");
        }
        byte[] bytes = new byte[length];
        System.arraycopy(result.output(), nul + 1, bytes, 0, length);
        return new FileRead(Path.of(new String(result.output(), 0, nul, StandardCharsets.UTF_8)), bytes);
    }

    /** Whether {@code path} exists for this user (following symlinks with the user's rights). */
    public boolean exists(Path path) throws IOException {
        return run(List.of("/bin/sh", "-c", "test -e \"$1\"", "malt-exists", path.toString()), 0).code() == 0;
    }

    /**
     * Removes the unix socket at {@code path} as this user; anything else there is left alone.
     *
     * @throws IOException when the user may not remove it
     */
    public void removeSocket(Path path) throws IOException {
        Result result = run(List.of("/bin/sh", "-c",
                "if [ -S \"$1\" ] && [ ! -L \"$1\" ]; then exec rm -f -- \"$1\"; fi", "malt-rm", path.toString()), 0);
        if (result.code() != 0) {
            throw new IOException("cannot remove " + path + " as " + name + ": " + result.error());
        }
    }

    /**
     * A stream that appends to {@code file} as this user, creating it and its directory as the user would. Writes
     * never block the caller: they queue, up to {@code maxQueuedBytes}, for a helper process ({@code cat}) that runs
     * as the user; beyond that lines are dropped and counted. The file is opened before this returns.
     *
     * @throws IOException with the reason the user cannot open it
     */
    public OutputStream appendTo(Path file, int maxQueuedBytes) throws IOException {
        return UserLogStream.open(this, file, maxQueuedBytes);
    }

    /** Starts {@code command} as this user, in {@code /}, with {@link #environment}. */
    public Process start(List<String> command) throws IOException {
        List<String> full = new ArrayList<>(setpriv);
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(Path.of("/").toFile());
        Map<String, String> clean = environment(System.getenv());
        builder.environment().clear();
        builder.environment().putAll(clean);
        return builder.start();
    }

    /** The rule for {@link PathWalk}: directories this user may search. */
    public PathWalk.Rule searchRule() throws IOException {
        return PathWalk.searchableBy(uid, name, groups);
    }

    @Override
    public String toString() {
        return name + " (uid " + uid + ", gid " + gid + ")";
    }

    // ---- running helper commands --------------------------------------------------------------------------------

    private record Result(int code, byte[] output, String error) {
    }

    /** Runs {@code command} as this user with no input; its output is capped at {@code maxOutput} bytes. */
    private Result run(List<String> command, int maxOutput) throws IOException {
        Process process = start(command);
        process.getOutputStream().close();
        try {
            ByteArrayOutputStream error = new ByteArrayOutputStream();
            Thread errors = new Thread(() -> copyCapped(process.getErrorStream(), error, MAX_ERROR_BYTES),
                    "as-" + name + "-stderr");
            errors.setDaemon(true);
            errors.start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copyCapped(process.getInputStream(), output, maxOutput),
                    "as-" + name + "-stdout");
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("it did not answer within " + COMMAND_TIMEOUT_SECONDS
                        + " s (a FIFO, or a stalled file system?)");
            }
            reader.join(TimeUnit.SECONDS.toMillis(COMMAND_TIMEOUT_SECONDS));
            errors.join(TimeUnit.SECONDS.toMillis(COMMAND_TIMEOUT_SECONDS));
            synchronized (output) {
                synchronized (error) {
                    return new Result(process.exitValue(), output.toByteArray(),
                            error.toString(StandardCharsets.UTF_8).strip());
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Copies up to {@code max} bytes, then discards the rest so the process never blocks on a full pipe. */
    static void copyCapped(InputStream in, ByteArrayOutputStream out, int max) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (out) {
                    int room = max - out.size();
                    if (room > 0) {
                        out.write(buffer, 0, Math.min(room, n));
                    }
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    /** Maps a helper's error text ("...: No such file or directory") to the exception a direct open would throw. */
    static IOException failure(Path file, String error) {
        if (error.contains("No such file") || error.contains("Not a directory")) {
            return new NoSuchFileException(file.toString());
        }
        if (error.contains("Permission denied")) {
            return new AccessDeniedException(file.toString());
        }
        int colon = error.lastIndexOf(": ");
        return new IOException(colon >= 0 ? error.substring(colon + 2) : error);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
