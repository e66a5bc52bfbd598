package dev.malt.server.servlet.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Content-Type values ({@code type/subtype; name=value; name="quoted; value"}), with parameters as
 * RFC 9110 section 5.6.6 has them: a value is a token or a quoted-string, and a ';' or '=' inside
 * quotes belongs to the value ({@code multipart/form-data; boundary="a;b=c"}).
 *
 * <p>Netty has no parser that fits: {@code HttpUtil.getCharset} looks for the text
 * {@code charset=} anywhere, so it reads {@code boundary="charset=x"} as charset {@code x"} and
 * {@code xcharset=latin1} as latin1, and nothing there takes a parameter out.
 */
final class ContentTypes {

    private ContentTypes() {
    }

    /** The lower-case {@code type/subtype}, or {@code null}. */
    public static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.isEmpty() ? null : type.toLowerCase(Locale.ROOT);
    }

    /** The charset parameter without quotes, or {@code null}. */
    public static String charset(String contentType) {
        String value = parameter(contentType, "charset");
        return value == null || value.isEmpty() ? null : value;
    }

    /** The value of parameter {@code name} (any case), unquoted; {@code null} if there is none. */
    public static String parameter(String contentType, String name) {
        if (contentType == null) {
            return null;
        }
        for (Parameter parameter : parameters(contentType)) {
            if (name.equalsIgnoreCase(parameter.name)) {
                return parameter.value;
            }
        }
        return null;
    }

    /** The value without its charset parameter: {@code text/html; charset=x; a=b} gives {@code text/html;a=b}. */
    public static String withoutCharset(String contentType) {
        int semicolon = contentType.indexOf(';');
        if (semicolon < 0) {
            return contentType.trim();
        }
        StringBuilder out = new StringBuilder(contentType.length());
        out.append(contentType, 0, semicolon);
        trimEnd(out);
        for (Parameter parameter : parameters(contentType)) {
            if (!parameter.text.isEmpty() && !"charset".equalsIgnoreCase(parameter.name)) {
                out.append(';').append(parameter.text);
            }
        }
        return out.toString().trim();
    }

    /**
     * The parameters after the media type. {@code text} is the parameter as written (trimmed), for
     * putting it back; {@code value} is {@code null} for a parameter without '='. An unterminated
     * quoted-string runs to the end of the header.
     */
    private static List<Parameter> parameters(String contentType) {
        List<Parameter> parameters = new ArrayList<>();
        int length = contentType.length();
        int i = contentType.indexOf(';');
        while (i >= 0 && i < length) {
            int start = ++i; // past the ';'
            while (i < length && contentType.charAt(i) != '=' && contentType.charAt(i) != ';') {
                i++; // a parameter name is a token: no quotes to mind
            }
            String name = contentType.substring(start, i).trim();
            String value = null;
            if (i < length && contentType.charAt(i) == '=') {
                i++;
                while (i < length && (contentType.charAt(i) == ' ' || contentType.charAt(i) == '\t')) {
                    i++;
                }
                if (i < length && contentType.charAt(i) == '"') {
                    StringBuilder unquoted = new StringBuilder();
                    i = readQuotedString(contentType, i + 1, unquoted);
                    value = unquoted.toString();
                    i = nextSemicolon(contentType, i); // anything after the closing quote is junk
                } else {
                    int valueStart = i;
                    i = nextSemicolon(contentType, i);
                    value = contentType.substring(valueStart, i).trim();
                }
            }
            parameters.add(new Parameter(name, value, contentType.substring(start, i).trim()));
        }
        return parameters;
    }

    /** Reads a quoted-string's content from {@code from} (just past the opening quote); returns the index past the closing quote. */
    private static int readQuotedString(String text, int from, StringBuilder into) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i < text.length()) {
                c = text.charAt(i++);
            }
            into.append(c);
        }
        return i;
    }

    private static int nextSemicolon(String text, int from) {
        int semicolon = text.indexOf(';', from);
        return semicolon < 0 ? text.length() : semicolon;
    }

    private static void trimEnd(StringBuilder text) {
        while (text.length() > 0 && Character.isWhitespace(text.charAt(text.length() - 1))) {
            text.setLength(text.length() - 1);
        }
    }

    private record Parameter(String name, String value, String text) {
    }
}
