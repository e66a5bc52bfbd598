package dev.malt.server.servlet.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a user or group file, as Apache reads them: surrounding whitespace stripped (CRLF files
 * work), blank lines and {@code #} comments skipped, each kept with its line number.
 */
final class TextLines {

    record Line(int number, String text) {
    }

    private TextLines() {
    }

    static List<Line> read(Path file, long maxBytes) throws RealmFileException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new RealmFileException(file, 0, AuthMessages.tooLarge(size, maxBytes));
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RealmFileException(file, AuthMessages.unreadable(e), e);
        }
        if (bytes.length > maxBytes) { // it grew between the two calls
            throw new RealmFileException(file, 0, AuthMessages.tooLarge(bytes.length, maxBytes));
        }
        return split(file, bytes);
    }

    static List<Line> split(Path file, byte[] bytes) throws RealmFileException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<Line> lines = new ArrayList<>();
        int start = 0;
        int number = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            number++;
            String text;
            try {
                text = utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString().strip();
            } catch (CharacterCodingException e) {
                throw new RealmFileException(file, number, AuthMessages.notUtf8());
            }
            if (!text.isEmpty() && !text.startsWith("#")) {
                lines.add(new Line(number, text));
            }
            start = end + 1;
        }
        return lines;
    }
}
