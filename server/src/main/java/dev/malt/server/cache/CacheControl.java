package dev.malt.server.cache;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The directives of every {@code Cache-Control} line of a response: names in lower case, quotes removed. */
final class CacheControl {

    private final Map<String, String> directives;

    private CacheControl(Map<String, String> directives) {
        this.directives = directives;
    }

    static CacheControl of(List<String> values) {
        Map<String, String> directives = new HashMap<>();
        for (String value : values) {
            for (String part : splitOutsideQuotes(value)) {
                String directive = part.strip();
                if (directive.isEmpty()) {
                    continue;
                }
                int eq = directive.indexOf('=');
                String name = (eq < 0 ? directive : directive.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                String argument = eq < 0 ? "" : unquote(directive.substring(eq + 1).strip());
                directives.putIfAbsent(name, argument);
            }
        }
        return new CacheControl(directives);
    }

    boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /** A delta-seconds directive ({@code max-age}, {@code s-maxage}); -1 when absent or not a number. */
    long seconds(String directive) {
        String value = directives.get(directive);
        if (value == null || value.isEmpty() || value.length() > 12 || !value.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(value);
    }

    private static List<String> splitOutsideQuotes(String value) {
        List<String> parts = new java.util.ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
