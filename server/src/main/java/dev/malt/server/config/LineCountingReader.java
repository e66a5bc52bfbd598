package dev.malt.server.config;

import java.io.Reader;

/**
 * Hands out a text at most one line per {@link #read(char[], int, int)} call and counts the lines.
 *
 * <p>Why: ini4j calls its handler without line numbers, and reads through its own BufferedReader. Because every
 * read() here stops at the end of a line, ini4j's buffer never holds more than the line it is parsing, so when
 * it reports an option, {@link #lineNumber()} is that option's line (ini4j's line continuation is off, so one
 * option is always one line).
 */
final class LineCountingReader extends Reader {

    private final String text;
    private int position;
    private int lineNumber;
    private int lineStart;
    private boolean inLine;

    LineCountingReader(String text) {
        this.text = text;
    }

    /** 1-based number of the line handed out last; 0 before the first read. */
    int lineNumber() {
        return lineNumber;
    }

    /** The text of that line, without its line break. */
    String lineText() {
        int end = lineStart;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        return text.substring(lineStart, end);
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (position >= text.length()) {
            return -1;
        }
        if (!inLine) {
            lineNumber++;
            lineStart = position;
            inLine = true;
        }
        int limit = Math.min(text.length(), position + length);
        int end = position;
        while (end < limit && inLine) {
            char c = text.charAt(end++);
            if (c == '\n') {
                inLine = false;
            } else if (c == '\r') {
                boolean crlf = end < text.length() && text.charAt(end) == '\n';
                if (crlf && end < limit) {
                    end++;
                    inLine = false;
                } else if (crlf && end - 1 > position) {
                    end--; // hand out "\r\n" together next time, so it is not counted as two line breaks
                    break;
                } else {
                    inLine = false;
                }
            }
        }
        text.getChars(position, end, buffer, offset);
        int count = end - position;
        position = end;
        return count;
    }

    @Override
    public void close() {
    }
}
