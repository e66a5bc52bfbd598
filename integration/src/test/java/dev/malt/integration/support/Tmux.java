package dev.malt.integration.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real terminal for a full-screen program: a detached tmux session on a tmux server of its own (its own socket,
 * so the tests never touch a user's tmux), of a fixed size. Keys go in with {@code send-keys}; the screen comes
 * back with {@code capture-pane}, as a person would see it.
 */
public final class Tmux implements AutoCloseable {

    private final String server;
    private final String session = "t";
    /** The tmux server's socket file, removed at the end: tmux leaves it behind when killed. */
    private String socketPath = "";
    /** Where the shell around the program writes its exit status. */
    private java.nio.file.Path statusFile;

    private Tmux(String server) {
        this.server = server;
    }

    /** Runs {@code command} (a shell command line) in a new {@code columns} x {@code rows} terminal. */
    public static Tmux run(String command, int columns, int rows) {
        Tmux tmux = new Tmux("malt-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            tmux.statusFile = java.nio.file.Files.createTempFile("malt-tmux-status-", ".txt");
            java.nio.file.Files.delete(tmux.statusFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The shell around the program writes its exit status to a file: tmux may mark the pane dead when the
        // terminal closes, before the program has exited, and then never record a status.
        String wrapped = command + "; echo $? > '" + tmux.statusFile + "'";
        // remain-on-exit, set before the program starts: the pane stays after it ends, so its end can be seen
        tmux.tmux("start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";", "new-session", "-d", "-s",
                tmux.session, "-x", Integer.toString(columns), "-y", Integer.toString(rows), wrapped);
        tmux.socketPath = tmux.tmux("display-message", "-p", "-t", tmux.session, "#{socket_path}").trim();
        return tmux;
    }

    /** Types {@code keys} (tmux key names: {@code q}, {@code C-c}, {@code Enter}). */
    public void sendKeys(String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** What the screen shows now, one string per row. */
    public String screen() {
        return tmux("capture-pane", "-p", "-t", session);
    }

    /** Waits until the screen contains every one of {@code texts}; returns that screen. */
    public String awaitScreen(Duration timeout, String... texts) {
        String[] last = {""};
        Wait.until(timeout, Duration.ofMillis(100), () -> {
            last[0] = screen();
            for (String text : texts) {
                if (!last[0].contains(text)) {
                    return false;
                }
            }
            return true;
        }, () -> "the terminal never showed " + List.of(texts) + "; it shows:\n" + last[0]);
        return last[0];
    }

    /** Waits until the screen satisfies {@code condition}, described as {@code what}; returns that screen. */
    public String awaitScreen(Duration timeout, java.util.function.Predicate<String> condition, String what) {
        String[] last = {""};
        Wait.until(timeout, Duration.ofMillis(100), () -> condition.test(last[0] = screen()),
                () -> "the terminal never showed " + what + "; it shows:\n" + last[0]);
        return last[0];
    }

    /** Whether the program in the terminal has ended. */
    public boolean exited() {
        return java.nio.file.Files.exists(statusFile)
                || tmux("display-message", "-p", "-t", session, "#{pane_dead}").trim().equals("1");
    }

    /** The program's exit status, once {@link #exited()}; 128 + N when a signal N ended it, as a shell says. */
    public int exitStatus() {
        String[] status = {""};
        Wait.until(Duration.ofSeconds(60), Duration.ofMillis(50), () -> {
            try {
                status[0] = java.nio.file.Files.exists(statusFile)
                        ? java.nio.file.Files.readString(statusFile).trim() : "";
            } catch (IOException e) {
                status[0] = "";
            }
            return !status[0].isEmpty();
        }, () -> "the program in the terminal never ended:\n" + screen());
        return Integer.parseInt(status[0]);
    }

    private String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of(Tools.tmux().toString(), "-L", server));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("tmux " + String.join(" ", args) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("tmux " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run tmux", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running tmux");
        }
    }

    /** Ends the session and its tmux server. */
    @Override
    public void close() {
        try {
            tmux("kill-server");
        } catch (AssertionError | UncheckedIOException ignored) {
            // already gone
        }
        try {
            java.nio.file.Files.deleteIfExists(statusFile);
        } catch (IOException ignored) {
            // a few bytes left in the temp dir
        }
        if (!socketPath.isEmpty()) {
            try {
                java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(socketPath));
            } catch (IOException ignored) {
                // a stale socket file in the temp dir
            }
        }
    }
}
