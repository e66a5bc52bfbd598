package dev.malt.server.servlet.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Parses Accept-Language values into locales, best first (RFC 9110 section 12.5.4). */
final class AcceptLanguage {

    private static final int MAX_RANGES = 64;

    private AcceptLanguage() {
    }

    /** Locales in preference order; empty if no header named a usable language. */
    public static List<Locale> parse(List<String> headerValues) {
        List<Weighted> ranges = new ArrayList<>();
        for (String header : headerValues) {
            for (String part : header.split(",")) {
                if (ranges.size() >= MAX_RANGES) {
                    break;
                }
                Weighted weighted = parseRange(part, ranges.size());
                if (weighted != null) {
                    ranges.add(weighted);
                }
            }
        }
        ranges.sort(Comparator.comparingDouble(Weighted::quality).reversed().thenComparingInt(Weighted::order));
        List<Locale> locales = new ArrayList<>(ranges.size());
        for (Weighted range : ranges) {
            locales.add(range.locale);
        }
        return locales;
    }

    private static Weighted parseRange(String part, int order) {
        String[] pieces = part.split(";");
        String tag = pieces[0].trim();
        if (tag.isEmpty() || tag.equals("*")) {
            return null;
        }
        double quality = 1.0;
        for (int i = 1; i < pieces.length; i++) {
            String parameter = pieces[i].trim();
            if (parameter.startsWith("q=") || parameter.startsWith("Q=")) {
                try {
                    quality = Double.parseDouble(parameter.substring(2).trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        if (!(quality > 0) || quality > 1) {
            return null;
        }
        Locale locale = Locale.forLanguageTag(tag);
        return locale.getLanguage().isEmpty() ? null : new Weighted(locale, quality, order);
    }

    private record Weighted(Locale locale, double quality, int order) {
    }
}
