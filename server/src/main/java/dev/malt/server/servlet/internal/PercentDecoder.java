package dev.malt.server.servlet.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one {@code %XX} decoder of the server: request paths, query strings, form bodies and the
 * http-socket's PATH_INFO all go through it. It works on bytes, so a multi-byte character whose
 * bytes were escaped one by one comes out whole once the caller decodes the bytes with its charset.
 *
 * <p>Netty's {@code QueryStringDecoder} was the candidate and does not fit: a single malformed
 * escape makes it throw for the whole query (so every parameter is lost), raw non-ASCII bytes
 * come out as Latin-1 characters instead of being decoded with the charset, it drops parameters
 * over its cap silently instead of refusing the request, and it has no mode for paths.
 */
public final class PercentDecoder {

    private PercentDecoder() {
    }

    /**
     * Decodes {@code data[from, to)} into {@code out}. A {@code '%'} not followed by two hex digits
     * is copied as it is; the result says whether there was one, so that a caller that must refuse
     * malformed input (request paths) can. With {@code plusIsSpace} (form data only) a {@code '+'}
     * becomes a space; in a path it is a plus.
     *
     * @return {@code true} if every {@code '%'} began a well-formed escape
     */
    public static boolean decode(byte[] data, int from, int to, boolean plusIsSpace, ByteArrayOutputStream out) {
        boolean wellFormed = true;
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b == '%') {
                int hi = i + 2 < to ? Character.digit(data[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(data[i + 2], 16) : -1;
                if (lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
                wellFormed = false;
            }
            out.write(plusIsSpace && b == '+' ? ' ' : b);
        }
        return wellFormed;
    }

    /**
     * Decodes text whose chars are wire bytes (ISO-8859-1, as in a request line) and returns the
     * bytes the same way, one char a byte: the decoded path nginx passes as PATH_INFO. Malformed
     * escapes stay as they are.
     */
    public static String decodeWireText(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        decode(bytes, 0, bytes.length, false, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
