package dev.malt.server.servlet.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The user and password of an {@code Authorization: Basic} header (RFC 7617). Malt's challenge asks
 * for UTF-8; a client that still sends ISO-8859-1 (bytes that are not UTF-8) is read as such.
 */
record BasicCredentials(String user, String password) {

    /** Longer headers are not credentials anyone types; they are not decoded. */
    static final int MAX_HEADER_CHARS = 4096;

    /** The credentials, or {@code null} when the header is absent, another scheme, or malformed. */
    static BasicCredentials parse(String header) {
        if (header == null || header.length() > MAX_HEADER_CHARS) {
            return null;
        }
        String value = header.strip();
        if (value.length() < 6 || !value.regionMatches(true, 0, "Basic", 0, 5) || value.charAt(5) != ' ') {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded)).toString();
        } catch (CharacterCodingException e) {
            text = new String(decoded, StandardCharsets.ISO_8859_1);
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return null;
        }
        return new BasicCredentials(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "BasicCredentials[" + user + "]"; // never the password
    }
}
