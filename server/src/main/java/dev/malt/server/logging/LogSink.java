package dev.malt.server.logging;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a master's log lines and its workers' output end up: stderr, or the {@code logto} file.
 * Only this class holds the file open, so reopening it for logrotate is one call, and it is reopened
 * on every reload too (uWSGI forgets {@code logto} there; Malt does not).
 */
public final class LogSink {

    /** Opens the log file for appending, at the start and at every reopen. */
    public interface Opener {
        OutputStream open() throws IOException;
    }

    private final Path file;
    private final Opener opener;
    private OutputStream out;

    private LogSink(Path file, Opener opener, OutputStream out) {
        this.file = file;
        this.opener = opener;
        this.out = out;
    }

    public static LogSink stderr() {
        return new LogSink(null, null, new FileOutputStream(java.io.FileDescriptor.err));
    }

    public static LogSink file(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return opened(file, () -> new FileOutputStream(file.toFile(), true));
    }

    /** A file that {@code opener} opens: a tyrant emperor appends to an app's own log as the app's user. */
    public static LogSink opened(Path file, Opener opener) throws IOException {
        return new LogSink(file, opener, opener.open());
    }

    /**
     * The sink for a {@code logto} option: that file, or stderr when it is not set. On failure the
     * reason is printed to stderr (no log exists yet) and empty is returned.
     */
    public static java.util.Optional<LogSink> forLogto(java.util.Optional<Path> logto) {
        if (logto.isEmpty()) {
            return java.util.Optional.of(stderr());
        }
        try {
            return java.util.Optional.of(file(logto.get()));
        } catch (IOException e) {
            System.err.println("malt: cannot open logto file " + logto.get() + ": " + e.getMessage()
                    + " (check the directory exists and is writable)");
            return java.util.Optional.empty();
        }
    }

    /** Writes whole lines only, so master and worker lines never interleave mid-line. */
    public synchronized void writeLine(byte[] bytes, int offset, int length) {
        try {
            out.write(bytes, offset, length);
            if (length == 0 || bytes[offset + length - 1] != '\n') {
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            // Nowhere left to report it; stderr is the last resort.
            System.err.println("malt: cannot write log: " + e.getMessage());
        }
    }

    /** Closes and reopens the log file (after logrotate moved it). No-op for stderr. */
    public synchronized void reopen() throws IOException {
        if (file == null) {
            return;
        }
        OutputStream fresh = opener.open();
        OutputStream old = out;
        out = fresh;
        old.close();
    }

    /** Closes the file; stderr stays open. Later lines are dropped with a note on stderr. */
    public synchronized void close() {
        if (file == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    public Path path() {
        return file;
    }

    /** An OutputStream view for logback: it buffers up to each newline and writes whole lines. */
    public OutputStream lineStream() {
        return new LineBufferingStream(this);
    }

    /** For the code paths that want a PrintStream (thread dumps). */
    public PrintStream printStream() {
        return new PrintStream(lineStream(), true);
    }

    private static final class LineBufferingStream extends OutputStream {
        private final LogSink sink;
        private byte[] buffer = new byte[512];
        private int length;

        LineBufferingStream(LogSink sink) {
            this.sink = sink;
        }

        @Override
        public synchronized void write(int b) {
            if (length == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
            }
            buffer[length++] = (byte) b;
            if (b == '\n') {
                sink.writeLine(buffer, 0, length);
                length = 0;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                write(b[off + i]);
            }
        }

        @Override
        public synchronized void flush() {
            if (length > 0) {
                sink.writeLine(buffer, 0, length);
                length = 0;
            }
        }
    }
}
