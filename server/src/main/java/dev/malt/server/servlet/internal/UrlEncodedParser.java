package dev.malt.server.servlet.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code application/x-www-form-urlencoded} data (query strings and form bodies) into
 * parameters. Works on bytes: {@code %XX} and {@code +} are undone first ({@link PercentDecoder}),
 * then the bytes are decoded with the given charset, so multi-byte characters survive. Malformed
 * escapes are kept literally and invalid byte sequences become U+FFFD; a bad parameter is no reason
 * to fail the request. Only {@code &} separates parameters: servlet apps expect a {@code ;} to be
 * part of a value (HTML 4's {@code ;} separator never caught on).
 */
final class UrlEncodedParser {

    /** More parameters than this in one request is a hash-flooding attempt, not a form. */
    public static final int MAX_PARAMETERS = 10_000;

    private UrlEncodedParser() {
    }

    /** Parses a query string whose chars are wire bytes (ISO-8859-1) into {@code into}. */
    public static void parse(String query, Charset charset, Map<String, List<String>> into) {
        byte[] bytes = query.getBytes(StandardCharsets.ISO_8859_1);
        parse(bytes, bytes.length, charset, into);
    }

    public static void parse(byte[] data, int length, Charset charset, Map<String, List<String>> into) {
        int count = 0;
        for (Map.Entry<String, List<String>> entry : into.entrySet()) {
            count += entry.getValue().size();
        }
        ByteArrayOutputStream scratch = new ByteArrayOutputStream(64);
        int start = 0;
        while (start < length) {
            int end = indexOf(data, (byte) '&', start, length);
            if (end > start) {
                int equals = indexOf(data, (byte) '=', start, end);
                String name = decode(data, start, equals, charset, scratch);
                String value = equals < end ? decode(data, equals + 1, end, charset, scratch) : "";
                if (!name.isEmpty()) {
                    if (++count > MAX_PARAMETERS) {
                        throw new RequestRejectedException(400, ServletMessages.tooManyParameters(MAX_PARAMETERS));
                    }
                    into.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
                }
            }
            start = end + 1;
        }
    }

    private static String decode(byte[] data, int from, int to, Charset charset, ByteArrayOutputStream scratch) {
        scratch.reset();
        PercentDecoder.decode(data, from, to, true, scratch);
        return scratch.toString(charset);
    }

    private static int indexOf(byte[] data, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return to;
    }
}
