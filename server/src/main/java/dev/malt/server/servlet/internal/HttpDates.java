package dev.malt.server.servlet.internal;

import io.netty.handler.codec.DateFormatter;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP dates (RFC 9110 section 5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in.
 * Netty's {@link DateFormatter} does the formatting and the conversion.
 *
 * <p>Netty parses with the cookie-date algorithm of RFC 6265 section 5.1.1, which picks a date out
 * of any text: it takes {@code "... 08:49:37 PST"} as GMT, rolls {@code 31 Feb} over into March,
 * and reads a date out of {@code "<date>; length=12"} or a list of two dates. RFC 9110 section
 * 13.1.3 says such an If-Modified-Since must be ignored, and {@code getDateHeader} must throw for
 * what is not a date; so a value has to have the shape of one of the three formats first, and a
 * day that does not exist in its month is refused. Like before, the check ignores case, extra
 * spaces and a wrong weekday. Two-digit RFC 850 years mean 1970 to 2069, as Netty reads them;
 * RFC 9110's "at most 50 years ahead" would make 70 to 76 the 2070s in 2026, a difference no
 * client sending the obsolete RFC 850 form will meet.
 */
public final class HttpDates {

    private static final Pattern HTTP_DATE = Pattern.compile(
            "[a-z]+, (\\d{1,2}) [a-z]{3} \\d{4} \\d{2}:\\d{2}:\\d{2} gmt"        // IMF-fixdate
                    + "|[a-z]+, (\\d{1,2})-[a-z]{3}-\\d{2} \\d{2}:\\d{2}:\\d{2} gmt" // RFC 850
                    + "|[a-z]{3} [a-z]{3} (\\d{1,2}) \\d{2}:\\d{2}:\\d{2} \\d{4}",   // asctime
            Pattern.CASE_INSENSITIVE);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** The Date header value of the current second: formatting costs about 1 us, the cache a tenth of it. */
    private static volatile CachedDate cached = new CachedDate(-1, "");

    private HttpDates() {
    }

    public static String format(long epochMillis) {
        return DateFormatter.format(new Date(epochMillis));
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
        String text = WHITESPACE.matcher(value.trim()).replaceAll(" ");
        Matcher shape = HTTP_DATE.matcher(text);
        if (!shape.matches()) {
            return -1;
        }
        Date date = DateFormatter.parseHttpDate(text);
        if (date == null || dayOfMonth(date) != Integer.parseInt(dayGroup(shape))) {
            return -1; // no such time, or a day the month does not have (Netty would roll it over)
        }
        return date.getTime();
    }

    private static String dayGroup(Matcher shape) {
        for (int group = 1; group <= shape.groupCount(); group++) {
            if (shape.group(group) != null) {
                return shape.group(group);
            }
        }
        throw new IllegalStateException("every alternative of HTTP_DATE captures the day");
    }

    private static int dayOfMonth(Date date) {
        return Instant.ofEpochMilli(date.getTime()).atZone(ZoneOffset.UTC).getDayOfMonth();
    }

    private record CachedDate(long second, String text) {
    }
}
