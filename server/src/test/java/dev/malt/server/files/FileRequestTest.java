package dev.malt.server.files;

import dev.malt.server.servlet.internal.HttpDates;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RFC 9110's conditional requests and single byte ranges for a file of 100 bytes. */
class FileRequestTest {

    private static final long LENGTH = 100;
    private static final long MODIFIED = 1_700_000_000_000L;
    private static final String ETAG = FileRequest.etag(LENGTH, MODIFIED);

    private static FileRequest.Answer answer(String... headers) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], headers[i + 1]);
        }
        return FileRequest.evaluate(map::get, LENGTH, MODIFIED);
    }

    @Test
    void noConditionsGiveTheWholeFile() {
        FileRequest.Answer a = answer();
        assertEquals(200, a.status());
        assertEquals(0, a.start());
        assertEquals(LENGTH, a.count());
        assertNull(a.contentRange());
    }

    @Test
    void theEtagIsWeakAndFollowsLengthAndTime() {
        assertEquals("W/\"100-1700000000000\"", ETAG);
    }

    @Test
    void ifNoneMatch() {
        assertEquals(304, answer("If-None-Match", ETAG).status());
        assertEquals(304, answer("If-None-Match", "\"x\", " + ETAG.substring(2)).status());
        assertEquals(304, answer("If-None-Match", "*").status());
        assertEquals(200, answer("If-None-Match", "\"other\"").status());
        // If-None-Match wins over If-Modified-Since
        assertEquals(200, answer("If-None-Match", "\"other\"", "If-Modified-Since", HttpDates.format(MODIFIED)).status());
    }

    @Test
    void ifModifiedSince() {
        assertEquals(304, answer("If-Modified-Since", HttpDates.format(MODIFIED)).status());
        assertEquals(304, answer("If-Modified-Since", HttpDates.format(MODIFIED + 60_000)).status());
        assertEquals(200, answer("If-Modified-Since", HttpDates.format(MODIFIED - 1000)).status());
        assertEquals(200, answer("If-Modified-Since", "yesterday").status());
    }

    @Test
    void ifMatchAndIfUnmodifiedSince() {
        assertEquals(412, answer("If-Match", "\"other\"").status());
        assertEquals(412, answer("If-Match", ETAG).status()); // a weak tag never matches strongly
        assertEquals(200, answer("If-Match", "*").status());
        assertEquals(412, answer("If-Unmodified-Since", HttpDates.format(MODIFIED - 1000)).status());
        assertEquals(200, answer("If-Unmodified-Since", HttpDates.format(MODIFIED)).status());
    }

    @Test
    void singleRanges() {
        FileRequest.Answer a = answer("Range", "bytes=10-19");
        assertEquals(206, a.status());
        assertEquals(10, a.start());
        assertEquals(10, a.count());
        assertEquals("bytes 10-19/100", a.contentRange());
        assertEquals("bytes 90-99/100", answer("Range", "bytes=-10").contentRange());
        assertEquals("bytes 95-99/100", answer("Range", "bytes=95-").contentRange());
        assertEquals("bytes 95-99/100", answer("Range", "bytes=95-500").contentRange());
    }

    @Test
    void unsatisfiableAndIgnoredRanges() {
        FileRequest.Answer a = answer("Range", "bytes=100-");
        assertEquals(416, a.status());
        assertEquals("bytes */100", a.contentRange());
        assertEquals(416, answer("Range", "bytes=-0").status());
        assertEquals(200, answer("Range", "bytes=0-1,5-6").status()); // several ranges: the whole file
        assertEquals(200, answer("Range", "items=0-1").status());
        assertEquals(200, answer("Range", "bytes=5-1").status());
    }

    @Test
    void ifRange() {
        assertEquals(206, answer("Range", "bytes=0-0", "If-Range", HttpDates.format(MODIFIED)).status());
        assertEquals(200, answer("Range", "bytes=0-0", "If-Range", HttpDates.format(MODIFIED - 1000)).status());
        assertEquals(200, answer("Range", "bytes=0-0", "If-Range", ETAG).status()); // weak: never
        assertEquals(200, answer("Range", "bytes=0-0", "If-Range", "\"other\"").status());
    }

    @Test
    void conditionsComeBeforeRanges() {
        assertEquals(304, answer("Range", "bytes=0-0", "If-None-Match", ETAG).status());
    }
}
