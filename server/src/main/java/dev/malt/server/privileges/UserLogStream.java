package dev.malt.server.privileges;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Appends to a log file through a helper that runs as the app's user ({@code sh} opens the file, then execs
 * {@code cat}), so root never opens a path the user controls. The emperor's threads only queue bytes here: the
 * user can stop or kill their helper (it runs as them), and that must not stall the emperor, so a full queue drops
 * writes and counts them, and a dead helper is started again.
 */
final class UserLogStream extends OutputStream {

    /** How long to wait after a helper failed to start before trying again. */
    private static final long RETRY_MILLIS = 1_000;

    private final AppUser user;
    private final Path file;
    private final int maxQueuedBytes;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queuedBytes;
    private long dropped;
    private boolean closed;
    /** Touched by the writer thread only, once running. */
    private Helper helper;

    private record Helper(Process process, ByteArrayOutputStream errors) {
    }

    private UserLogStream(AppUser user, Path file, int maxQueuedBytes, Helper helper) {
        this.user = user;
        this.file = file;
        this.maxQueuedBytes = maxQueuedBytes;
        this.helper = helper;
    }

    static UserLogStream open(AppUser user, Path file, int maxQueuedBytes) throws IOException {
        if (maxQueuedBytes <= 0) {
            throw new IllegalArgumentException("maxQueuedBytes must be positive: " + maxQueuedBytes);
        }
        UserLogStream stream = new UserLogStream(user, file, maxQueuedBytes, startHelper(user, file));
        Thread writer = new Thread(stream::drain, "log-as-" + user.name() + "-" + file.getFileName());
        writer.setDaemon(true);
        writer.start();
        return stream;
    }

    /** Starts {@code sh} as the user; it answers "ready" once the file is open for appending, or fails with why. */
    private static Helper startHelper(AppUser user, Path file) throws IOException {
        Process process = user.start(List.of("/bin/sh", "-c",
                "mkdir -p -- \"$(dirname -- \"$1\")\" && exec 3>>\"$1\" && echo ready && exec cat >&3",
                "malt-log", file.toString()));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        Thread errorReader = new Thread(() -> AppUser.copyCapped(process.getErrorStream(), errors,
                AppUser.MAX_ERROR_BYTES), "log-as-" + user.name() + "-stderr");
        errorReader.setDaemon(true);
        errorReader.start();
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> firstLine(process.getInputStream()));
        String line;
        try {
            line = answer.get(AppUser.COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("cannot open " + file + " as " + user.name() + ": no answer within "
                    + AppUser.COMMAND_TIMEOUT_SECONDS + " s (is it a FIFO?)");
        } catch (ExecutionException e) {
            line = "";
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening " + file);
        }
        if (!"ready".equals(line)) {
            try {
                process.waitFor(AppUser.COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                errorReader.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
            String why;
            synchronized (errors) {
                why = errors.toString(StandardCharsets.UTF_8).strip();
            }
            throw new IOException("cannot open " + file + " as " + user.name() + ": "
                    + (why.isEmpty() ? "the helper exited" : why.substring(why.lastIndexOf(": ") + 2)));
        }
        return new Helper(process, errors);
    }

    private static String firstLine(InputStream in) {
        StringBuilder line = new StringBuilder();
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n' && line.length() < 64) {
                line.append((char) b);
            }
        } catch (IOException e) {
            return "";
        }
        return line.toString();
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        if (closed || length == 0) {
            return;
        }
        if (queuedBytes + length > maxQueuedBytes) {
            dropped++;
            return;
        }
        byte[] copy = new byte[length];
        System.arraycopy(bytes, offset, copy, 0, length);
        queue.add(copy);
        queuedBytes += length;
        notifyAll();
    }

    /** Writes are asynchronous: there is nothing to flush here. */
    @Override
    public void flush() {
    }

    /** Lets the writer finish what is queued, then closes the helper's input; never blocks. */
    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void drain() {
        try {
            while (true) {
                byte[] chunk;
                long droppedNow;
                synchronized (this) {
                    while (queue.isEmpty() && !closed) {
                        wait();
                    }
                    if (queue.isEmpty()) {
                        break;
                    }
                    chunk = queue.poll();
                    queuedBytes -= chunk.length;
                    droppedNow = dropped;
                    dropped = 0;
                }
                if (droppedNow > 0) {
                    send(("malt: " + droppedNow + " log writes were dropped: the log writer running as " + user.name()
                            + " did not keep up\n").getBytes(StandardCharsets.UTF_8));
                }
                send(chunk);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (helper != null) {
                try {
                    helper.process().getOutputStream().close();
                } catch (IOException ignored) {
                    // the helper is gone already
                }
            }
        }
    }

    /** Writes one chunk; a helper that died (killed by its user, disk full) is replaced once per chunk. */
    private void send(byte[] chunk) throws InterruptedException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (helper == null) {
                    helper = startHelper(user, file);
                }
                OutputStream pipe = helper.process().getOutputStream();
                pipe.write(chunk);
                pipe.flush();
                return;
            } catch (IOException e) {
                if (helper != null) {
                    helper.process().destroyForcibly();
                    helper = null;
                }
                if (attempt == 1) {
                    System.err.println("malt: cannot write to " + file + " as " + user.name() + ": " + e.getMessage());
                    synchronized (this) {
                        dropped++;
                    }
                    Thread.sleep(RETRY_MILLIS);
                }
            }
        }
    }
}
