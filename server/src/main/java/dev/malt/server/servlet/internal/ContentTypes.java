package dev.malt.server.servlet.internal;

import java.util.Locale;

/** Small parsing helpers for Content-Type values ({@code type/subtype; param=value; ...}). */
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
        if (contentType == null) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
                String value = unquote(parameter.substring(equals + 1).trim());
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    /** The value without its charset parameter: {@code text/html; charset=x; a=b} gives {@code text/html;a=b}. */
    public static String withoutCharset(String contentType) {
        StringBuilder out = new StringBuilder(contentType.length());
        String[] parts = contentType.split(";");
        out.append(parts[0].trim());
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int equals = parameter.indexOf('=');
            if (parameter.isEmpty() || (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("charset"))) {
                continue;
            }
            out.append(';').append(parameter);
        }
        return out.toString();
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
