package dev.malt.server.servlet.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** HTTP dates (RFC 9110 section 5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in. */
public final class HttpDates {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    // The weekday is dropped before parsing: a wrong weekday should not make a usable date unreadable.
    private static final DateTimeFormatter IMF_NO_WEEKDAY = parser("d MMM yyyy HH:mm:ss 'GMT'");
    private static final DateTimeFormatter ASCTIME_NO_WEEKDAY = parser("MMM d HH:mm:ss yyyy");
    private static final DateTimeFormatter RFC850_NO_WEEKDAY = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("d-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US);

    /** The Date header value of the current second; formatting per request would be wasted work. */
    private static volatile CachedDate cached = new CachedDate(-1, "");

    private HttpDates() {
    }

    public static String format(long epochMillis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
    }

    public static String now() {
        long second = System.currentTimeMillis() / 1000;
        CachedDate current = cached;
        if (current.second != second) {
            current = new CachedDate(second, format(second * 1000));
            cached = current;
        }
        return current.text;
    }

    /** Milliseconds since the epoch, or -1 if {@code value} is no HTTP date. */
    public static long parse(String value) {
        String text = value.trim().replaceAll("\\s+", " ");
        int comma = text.indexOf(',');
        try {
            if (comma >= 0) {
                String rest = text.substring(comma + 1).trim();
                DateTimeFormatter format = rest.indexOf('-') > 0 ? RFC850_NO_WEEKDAY : IMF_NO_WEEKDAY;
                return toMillis(LocalDateTime.parse(rest, format));
            }
            int space = text.indexOf(' ');
            if (space > 0) {
                return toMillis(LocalDateTime.parse(text.substring(space + 1), ASCTIME_NO_WEEKDAY));
            }
        } catch (DateTimeParseException e) {
            return -1;
        }
        return -1;
    }

    private static long toMillis(LocalDateTime time) {
        return time.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static DateTimeFormatter parser(String pattern) {
        return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern).toFormatter(Locale.US);
    }

    private record CachedDate(long second, String text) {
    }
}
