package dev.malt.server.servlet.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Turns request paths into the canonical decoded form that servlet path mapping works on
 * (Servlet 6, section 3.5.2): path parameters dropped, percent escapes decoded as UTF-8, empty and
 * dot segments removed. Anything that could make two layers disagree about which resource is meant
 * is a 400: an encoded '/' or '\', a control character, invalid UTF-8, or '..' above the root.
 */
public final class UriPaths {

    /** A path parameter ({@code ;jsessionid=x}): from ';' to the end of its segment. */
    private static final Pattern PATH_PARAMETER = Pattern.compile(";[^/]*");
    /** '/' or '\' escaped: decoding them would change which segments the path has. */
    private static final Pattern ENCODED_SEPARATOR = Pattern.compile("%(2[fF]|5[cC])");

    private UriPaths() {
    }

    /** Decodes the path part of a raw request URI; its chars are the wire bytes (ISO-8859-1). */
    public static String decodeRawPath(String rawPath) {
        // Path parameters go first, before decoding: an encoded ';' (%3B) is part of a name.
        String path = rawPath.indexOf(';') < 0 ? rawPath : PATH_PARAMETER.matcher(rawPath).replaceAll("");
        if (ENCODED_SEPARATOR.matcher(path).find()) {
            throw bad(ServletMessages.pathEncodedSeparator(rawPath));
        }
        byte[] raw = path.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(raw.length);
        if (!PercentDecoder.decode(raw, 0, raw.length, false, decoded)) {
            throw bad(ServletMessages.pathBadEscape(rawPath));
        }
        return canonicalize(utf8(decoded.toByteArray(), rawPath));
    }

    /** Canonicalizes a path the frontend already decoded (PATH_INFO), given as its raw bytes. */
    public static String canonicalizeDecoded(byte[] decodedPath) {
        String path = utf8(decodedPath, new String(decodedPath, StandardCharsets.ISO_8859_1));
        return canonicalize(path);
    }

    /**
     * The same for a decoded path that still carries path parameters: nginx keeps {@code ;jsessionid=...}
     * in {@code $document_uri}. They are dropped first, before dot segments are resolved, so that
     * {@code /..;x/} cannot turn into a {@code ..} segment afterwards.
     */
    public static String canonicalizeDecodedWithoutParameters(byte[] decodedPath) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(decodedPath.length);
        boolean inPathParameter = false;
        for (byte b : decodedPath) {
            if (b == '/') {
                inPathParameter = false;
            } else if (inPathParameter || b == ';') {
                inPathParameter = true;
                continue;
            }
            bytes.write(b);
        }
        return canonicalizeDecoded(bytes.toByteArray());
    }

    /**
     * Removes empty and dot segments from a path that is still encoded (a dispatcher's path), the way
     * {@link #decodeRawPath} does after decoding, so the request URI a dispatch shows names the same
     * resource as its servlet path. The input starts with '/'.
     */
    public static String removeDotSegments(String rawPath) {
        return canonicalize(rawPath);
    }

    /** Removes empty and dot segments; keeps a trailing slash. The input starts with '/'. */
    static String canonicalize(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw bad(ServletMessages.pathControlCharacter(path));
            }
        }
        if (!path.startsWith("/")) {
            throw bad(ServletMessages.pathNotAbsolute(path));
        }
        if (!path.contains("//") && !path.contains("/.")) {
            return path; // the common case: nothing to do
        }
        Deque<String> segments = new ArrayDeque<>();
        boolean trailingSlash = false;
        int start = 1;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            String segment = path.substring(start, end);
            boolean last = end == path.length();
            trailingSlash = last && (segment.isEmpty() || segment.equals(".") || segment.equals(".."));
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw bad(ServletMessages.pathAboveRoot(path));
                }
                segments.removeLast();
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.addLast(segment);
            }
            start = end + 1;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (String segment : segments) {
            out.append('/').append(segment);
        }
        if (trailingSlash || out.length() == 0) {
            out.append('/');
        }
        return out.toString();
    }

    private static String utf8(byte[] bytes, String forMessage) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw bad(ServletMessages.pathNotUtf8(forMessage));
        }
    }

    private static RequestRejectedException bad(String message) {
        return new RequestRejectedException(400, message);
    }
}
