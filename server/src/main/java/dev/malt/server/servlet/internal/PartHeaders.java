package dev.malt.server.servlet.internal;

import org.apache.commons.fileupload2.core.FileItemHeaders;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The headers of one multipart part, in the order sent, with names looked up case-insensitively and
 * kept as sent (the library's own store lower-cases them). Few per part, so a list beats a map.
 */
final class PartHeaders implements FileItemHeaders {

    private final List<String[]> fields = new ArrayList<>(4);

    @Override
    public void addHeader(String name, String value) {
        fields.add(new String[] {name, value});
    }

    @Override
    public String getHeader(String name) {
        for (String[] field : fields) {
            if (field[0].equalsIgnoreCase(name)) {
                return field[1];
            }
        }
        return null;
    }

    @Override
    public Iterator<String> getHeaderNames() {
        return names().iterator();
    }

    @Override
    public Iterator<String> getHeaders(String name) {
        return values(name).iterator();
    }

    /** Every value of {@code name}, in order; a new list. */
    List<String> values(String name) {
        List<String> values = new ArrayList<>(1);
        for (String[] field : fields) {
            if (field[0].equalsIgnoreCase(name)) {
                values.add(field[1]);
            }
        }
        return values;
    }

    /** The distinct names, as first sent; a new list. */
    List<String> names() {
        List<String> names = new ArrayList<>(fields.size());
        for (String[] field : fields) {
            if (names.stream().noneMatch(field[0]::equalsIgnoreCase)) {
                names.add(field[0]);
            }
        }
        return names;
    }

    /**
     * These headers read as {@code charset}. They were parsed as ISO-8859-1, one char per byte, because
     * the form's charset is only known once its {@code _charset_} field has been read.
     */
    PartHeaders decode(Charset charset) {
        PartHeaders decoded = new PartHeaders();
        for (String[] field : fields) {
            decoded.addHeader(field[0], new String(field[1].getBytes(StandardCharsets.ISO_8859_1), charset));
        }
        return decoded;
    }

    @Override
    public String toString() {
        List<String> lines = new ArrayList<>(fields.size());
        for (String[] field : fields) {
            lines.add(field[0] + ": " + field[1]);
        }
        return String.join(", ", lines);
    }
}
