package dev.malt.server.master;

import dev.malt.server.logging.LogSink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies a worker's stdout and stderr into the master's log a whole line at a time, so lines of
 * different workers never interleave. A line longer than {@code maxLine} bytes is cut there, marked,
 * and continued on the next log line: an app that writes without newlines costs the master
 * {@code maxLine} bytes, not all its memory.
 */
final class OutputPump {

    /** Longest log line taken from a worker, in bytes. */
    static final int DEFAULT_MAX_LINE = 64 * 1024;
    /** Ends a cut line. */
    static final byte[] CUT_MARKER = " [line cut; it continues on the next line]\n".getBytes(StandardCharsets.US_ASCII);

    private final LogSink sink;
    private final byte[] line;
    private int length;

    /**
     * @param sink    where the lines go
     * @param maxLine longest line in bytes (at least 16); {@link #DEFAULT_MAX_LINE}
     */
    OutputPump(LogSink sink, int maxLine) {
        if (maxLine < 16) {
            throw new IllegalArgumentException("maxLine must be at least 16: " + maxLine);
        }
        this.sink = sink;
        this.line = new byte[maxLine];
    }

    /** Copies until the stream ends (the worker exited) or fails. */
    void copy(InputStream in) {
        byte[] chunk = new byte[8192];
        try (in) {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    append(chunk[i]);
                }
            }
        } catch (IOException e) {
            // The pipe closes when the worker exits.
        }
        if (length > 0) {
            sink.writeLine(line, 0, length);
            length = 0;
        }
    }

    private void append(byte b) {
        if (length == line.length) {
            cut();
        }
        line[length++] = b;
        if (b == '\n') {
            sink.writeLine(line, 0, length);
            length = 0;
        }
    }

    /** Writes the full buffer as a marked line, cut where no UTF-8 character is split, and keeps the rest. */
    private void cut() {
        int at = length - incompleteCharacterBytes();
        byte[] out = new byte[at + CUT_MARKER.length];
        System.arraycopy(line, 0, out, 0, at);
        System.arraycopy(CUT_MARKER, 0, out, at, CUT_MARKER.length);
        sink.writeLine(out, 0, out.length);
        System.arraycopy(line, at, line, 0, length - at);
        length -= at;
    }

    /** How many bytes at the end of the buffer begin a UTF-8 character that is not complete yet (0 to 3). */
    private int incompleteCharacterBytes() {
        int continuation = 0;
        while (continuation < 3 && (line[length - 1 - continuation] & 0xC0) == 0x80) {
            continuation++;
        }
        int lead = line[length - 1 - continuation] & 0xFF;
        int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return lead >= 0xC0 && continuation + 1 < needed ? continuation + 1 : 0;
    }
}
