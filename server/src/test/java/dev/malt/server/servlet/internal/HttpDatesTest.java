package dev.malt.server.servlet.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HttpDatesTest {

    private static final long EXAMPLE = 784111777000L; // Sun, 06 Nov 1994 08:49:37 GMT

    @Test
    void parsesTheThreeFormatsOfRfc9110() {
        assertEquals(EXAMPLE, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(EXAMPLE, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(EXAMPLE, HttpDates.parse("Sun Nov  6 08:49:37 1994"));
        assertEquals(EXAMPLE, HttpDates.parse("sun, 06 nov 1994 08:49:37 gmt"));
        assertEquals(EXAMPLE, HttpDates.parse("Mon, 06 Nov 1994 08:49:37 GMT"), "a wrong weekday is tolerated");
    }

    @Test
    void rejectsNonDates() {
        assertEquals(-1, HttpDates.parse("yesterday"));
        assertEquals(-1, HttpDates.parse(""));
        assertEquals(-1, HttpDates.parse("Sun, 32 Nov 1994 08:49:37 GMT"));
    }

    @Test
    void formatsImfFixdate() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(EXAMPLE));
        assertEquals(29, HttpDates.now().length());
    }
}
