package dev.malt.server.master;

import dev.malt.server.logging.LogSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputPumpTest {

    @TempDir
    Path dir;

    /** 64 MiB without a newline, produced as it is read: the pump holds one line of 64 KiB, not all of it. */
    @Test
    void aWorkerWritingWithoutNewlinesGetsItsOutputCutIntoBoundedLines() throws IOException {
        long total = 64L * 1024 * 1024;
        List<String> lines = pump(new Repeating((byte) 'x', total), OutputPump.DEFAULT_MAX_LINE);
        String marker = new String(OutputPump.CUT_MARKER, StandardCharsets.US_ASCII).strip();
        long copied = 0;
        for (String line : lines) {
            assertTrue(line.length() <= OutputPump.DEFAULT_MAX_LINE + marker.length() + 1,
                    "a line of " + line.length() + " bytes");
            copied += line.replace(" " + marker, "").length();
        }
        assertEquals(total, copied, "every byte reaches the log");
        assertEquals(1024, lines.size());
        assertTrue(lines.get(0).endsWith(marker), lines.get(0).substring(line0Tail(lines.get(0))));
        assertEquals("x".repeat(OutputPump.DEFAULT_MAX_LINE), lines.get(1023), "the last piece ends the line unmarked");
    }

    @Test
    void shortLinesPassUnchangedAndACutNeverSplitsACharacter() throws IOException {
        String text = "first\nsecond line\n" + "é".repeat(20) + "\nlast without newline";
        List<String> lines = pump(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 17);
        assertEquals("first", lines.get(0));
        assertEquals("second line", lines.get(1));
        // 17 bytes hold eight 2-byte characters and the lead byte of a ninth: the cut comes before it
        assertEquals("é".repeat(8) + new String(OutputPump.CUT_MARKER, StandardCharsets.US_ASCII).stripTrailing(),
                lines.get(2));
        assertEquals("é".repeat(8) + new String(OutputPump.CUT_MARKER, StandardCharsets.US_ASCII).stripTrailing(),
                lines.get(3));
        assertEquals("é".repeat(4), lines.get(4));
        assertEquals("last without newl" + new String(OutputPump.CUT_MARKER, StandardCharsets.US_ASCII).stripTrailing(),
                lines.get(5));
        assertEquals("ine", lines.get(6));
    }

    private static int line0Tail(String line) {
        return Math.max(0, line.length() - 80);
    }

    private List<String> pump(InputStream in, int maxLine) throws IOException {
        Path log = dir.resolve("out.log");
        LogSink sink = LogSink.file(log);
        new OutputPump(sink, maxLine).copy(in);
        sink.close();
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    /** {@code length} copies of one byte, made as they are read. */
    private static final class Repeating extends InputStream {
        private final byte value;
        private long left;

        Repeating(byte value, long length) {
            this.value = value;
            this.left = length;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return value;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, value);
            left -= n;
            return n;
        }
    }
}
