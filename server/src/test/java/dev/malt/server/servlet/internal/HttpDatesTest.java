package dev.malt.server.servlet.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpDatesTest {

    private static final long EXAMPLE = 784111777000L; // Sun, 06 Nov 1994 08:49:37 GMT

    @Test
    void parsesTheThreeFormatsOfRfc9110() {
        assertEquals(EXAMPLE, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(EXAMPLE, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(EXAMPLE, HttpDates.parse("Sun Nov  6 08:49:37 1994"));
        assertEquals(EXAMPLE, HttpDates.parse("sun, 06 nov 1994 08:49:37 gmt"));
        assertEquals(EXAMPLE, HttpDates.parse("Mon, 06 Nov 1994 08:49:37 GMT"), "a wrong weekday is tolerated");
        assertEquals(EXAMPLE, HttpDates.parse("Sun, 6 Nov 1994 08:49:37 GMT"), "and a one-digit day");
        assertEquals(EXAMPLE, HttpDates.parse("Sunday, 6-Nov-94 08:49:37 GMT"));
    }

    @Test
    void rejectsNonDates() {
        assertEquals(-1, HttpDates.parse("yesterday"));
        assertEquals(-1, HttpDates.parse(""));
        assertEquals(-1, HttpDates.parse("Sun, 32 Nov 1994 08:49:37 GMT"));
    }

    @Test
    void refusesWhatNettysCookieDateParserAloneWouldRead() {
        for (String value : new String[] {
                "Sun, 06 Nov 1994 08:49:37 PST",               // another zone read as GMT
                "Sun, 06 Nov 1994 08:49:37",                   // no zone
                "Sun, 06 Nov 1994 08:49:37 GMT; length=1234",  // old IE If-Modified-Since: RFC 9110 13.1.3 says ignore
                "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT", // two members
                "06 Nov 1994 08:49:37 GMT",                    // no weekday
                "Sun, 06-Nov-1994 08:49:37 GMT",               // RFC 850 with a four-digit year
                "Thu, 31 Feb 1994 08:49:37 GMT",               // would roll over to 3 March
                "Wed, 29 Feb 1995 08:49:37 GMT",               // not a leap year
                "Sun, 06 Nov 1994 24:00:00 GMT",
                "Sun, 06 Foo 1994 08:49:37 GMT"}) {
            assertEquals(-1, HttpDates.parse(value), value);
        }
    }

    @Test
    void acceptsEveryDayThatExists() {
        assertEquals(951782400000L, HttpDates.parse("Tue, 29 Feb 2000 00:00:00 GMT"));
        assertEquals(0, HttpDates.parse("  Thu,  01 Jan 1970 00:00:00 GMT "));
    }

    @Test
    void twoDigitYearsMean1970To2069() {
        assertEquals(0, HttpDates.parse("Thursday, 01-Jan-70 00:00:00 GMT"));
        assertEquals("Wed, 06 Nov 2069 08:49:37 GMT", HttpDates.format(HttpDates.parse("Wednesday, 06-Nov-69 08:49:37 GMT")));
    }

    @Test
    void formatsImfFixdate() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(EXAMPLE));
        long now = HttpDates.parse(HttpDates.now());
        assertTrue(now > EXAMPLE, HttpDates.now());
        assertEquals(0, now % 1000, "whole seconds");
    }
}
