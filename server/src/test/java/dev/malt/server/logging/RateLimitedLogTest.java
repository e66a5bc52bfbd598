package dev.malt.server.logging;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitedLogTest {

    /** A logger of its own per test, so lines from other tests' instances never mix in. */
    static final class FirstKind {
    }

    static final class SecondKind {
    }

    static final class ThirdKind {
    }

    @Test
    void theFirstLinesAreWholeThenOnlyACountPerInterval() {
        AtomicLong now = new AtomicLong();
        try (LogCapture log = LogCapture.of(FirstKind.class)) {
            RateLimitedLog limited = new RateLimitedLog(LoggerFactory.getLogger(FirstKind.class), "bad packets", 3,
                    Duration.ofSeconds(60), now::get);
            for (int i = 1; i <= 1000; i++) {
                limited.warn("bad packet {}", i);
            }
            List<String> lines = log.lines();
            assertEquals(List.of("WARN bad packet 1", "WARN bad packet 2", "WARN bad packet 3"), lines.subList(0, 3));
            assertEquals(4, lines.size(), lines::toString);
            assertTrue(lines.get(3).contains("bad packets: 3 lines within 60 s"), lines.get(3));
            assertEquals(997, limited.suppressed());

            now.addAndGet(Duration.ofSeconds(61).toNanos());
            limited.warn("bad packet {}", 1001);
            lines = log.lines();
            assertEquals("WARN bad packets: 997 more in the last 61 s were not logged", lines.get(4));
            assertEquals("WARN bad packet 1001", lines.get(5), "a new interval starts with whole lines again");
        }
    }

    @Test
    void theCountIsWrittenWhenTheFloodStopsToo() {
        AtomicLong now = new AtomicLong();
        try (LogCapture log = LogCapture.of(SecondKind.class)) {
            RateLimitedLog limited = new RateLimitedLog(LoggerFactory.getLogger(SecondKind.class), "stalls", 1,
                    Duration.ofSeconds(10), now::get);
            limited.info("stall {}", 1);
            limited.info("stall {}", 2);
            limited.info("stall {}", 3);
            limited.reportDue();
            assertEquals(2, log.lines().size(), "nothing is due within the interval: " + log.lines());
            now.addAndGet(Duration.ofSeconds(10).toNanos());
            limited.reportDue();
            assertEquals("WARN stalls: 2 more in the last 10 s were not logged", log.lines().get(2));
            limited.reportDue();
            assertEquals(3, log.lines().size(), "a count is written once");
        }
    }

    @Test
    void errorsKeepTheirStackTrace() {
        try (LogCapture log = LogCapture.of(ThirdKind.class)) {
            RateLimitedLog limited = new RateLimitedLog(LoggerFactory.getLogger(ThirdKind.class), "bugs", 1,
                    Duration.ofSeconds(10), () -> 0L);
            limited.error("failed on {}", "x", new IllegalStateException("boom"));
            limited.error("failed on {}", "y", new IllegalStateException("boom"));
            assertEquals(List.of("ERROR failed on x", "WARN bugs: 1 lines within 10 s; until the interval ends,"
                    + " further ones are only counted"), log.lines());
            assertEquals("boom", log.throwables().get(0));
        }
    }
}
