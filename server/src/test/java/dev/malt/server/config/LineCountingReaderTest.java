package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class LineCountingReaderTest {

    @Test
    void hands_out_one_line_per_read_and_counts_it() throws IOException {
        LineCountingReader reader = new LineCountingReader("a\r\nbb\rccc\n\nlast");
        BufferedReader buffered = new BufferedReader(reader);
        String[] expected = {"a", "bb", "ccc", "", "last"};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], buffered.readLine());
            assertEquals(i + 1, reader.lineNumber(), "after line " + expected[i]);
            assertEquals(expected[i], reader.lineText());
        }
        assertEquals(null, buffered.readLine());
        assertEquals(5, reader.lineNumber());
    }

    @Test
    void a_line_longer_than_the_buffer_is_still_one_line() throws IOException {
        String longLine = "x".repeat(20_000);
        LineCountingReader reader = new LineCountingReader(longLine + "\nshort\n");
        BufferedReader buffered = new BufferedReader(reader, 16);
        assertEquals(longLine, buffered.readLine());
        assertEquals(1, reader.lineNumber());
        assertEquals("short", buffered.readLine());
        assertEquals(2, reader.lineNumber());
    }

    @Test
    void crlf_split_by_a_small_buffer_counts_once() throws IOException {
        LineCountingReader reader = new LineCountingReader("ab\r\ncd\r\n");
        char[] buffer = new char[3];
        assertEquals(2, reader.read(buffer, 0, 3)); // "ab": the \r waits for its \n
        assertEquals(2, reader.read(buffer, 0, 3)); // "\r\n"
        assertEquals(1, reader.lineNumber());
        assertEquals(2, reader.read(buffer, 0, 3)); // "cd"
        assertEquals(2, reader.lineNumber());
        assertEquals(2, reader.read(buffer, 0, 3)); // "\r\n"
        assertEquals(-1, reader.read(buffer, 0, 3));
        assertEquals(2, reader.lineNumber());
    }
}
