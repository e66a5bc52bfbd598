package dev.malt.server.servlet.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Accept-Language values as locales, best first (RFC 9110 section 12.5.4), parsed by
 * {@link Locale.LanguageRange#parse(String)}.
 *
 * <p>The JDK throws for the whole value when one range is malformed, and adds "equivalent" ranges
 * of its own (for {@code de-DE-1996} also {@code de-DD-1996}, East Germany). So each
 * comma-separated range is parsed alone: a malformed one is skipped, and of what the JDK returns
 * only the first, the range the client sent, is kept. Ranges with q=0 (not acceptable), {@code *}
 * and ranges that name no language are left out; equal weights keep the client's order.
 */
final class AcceptLanguage {

    /** A browser sends a handful; this only bounds a hostile header. */
    private static final int MAX_RANGES = 64;

    private AcceptLanguage() {
    }

    /** Locales in preference order; empty if no header named a usable language. */
    public static List<Locale> parse(List<String> headerValues) {
        List<Locale.LanguageRange> ranges = new ArrayList<>();
        int seen = 0;
        for (String header : headerValues) {
            for (String part : header.split(",", MAX_RANGES + 1)) {
                if (++seen > MAX_RANGES) {
                    break;
                }
                Locale.LanguageRange range = parseRange(part);
                if (range != null && range.getWeight() > 0) {
                    ranges.add(range);
                }
            }
        }
        ranges.sort(Comparator.comparingDouble(Locale.LanguageRange::getWeight).reversed()); // stable
        Set<Locale> locales = new LinkedHashSet<>();
        for (Locale.LanguageRange range : ranges) {
            Locale locale = Locale.forLanguageTag(range.getRange());
            if (!locale.getLanguage().isEmpty()) {
                locales.add(locale);
            }
        }
        return List.copyOf(locales);
    }

    private static Locale.LanguageRange parseRange(String part) {
        if (part.isBlank()) {
            return null;
        }
        try {
            List<Locale.LanguageRange> parsed = Locale.LanguageRange.parse(part);
            return parsed.isEmpty() ? null : parsed.get(0);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
