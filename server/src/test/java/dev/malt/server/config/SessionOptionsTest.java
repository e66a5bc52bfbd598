package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The session options: where sessions live, and their limits. */
class SessionOptionsTest {

    @TempDir
    Path tmp;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(tmp);
    }

    private AppConfig with(String line) {
        return fx.loadMalt(Fixture.APP + line + "\n");
    }

    private String failing(String line, String option) {
        ConfigException e = fx.failMalt(Fixture.APP + line + "\n");
        assertEquals(option, e.option().orElseThrow());
        assertTrue(e.getMessage().startsWith("shop.ini:4: "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void theDefaultsAreTheFileStoreAndItsLimits() {
        AppConfig config = with("; nothing about sessions");
        assertEquals("file", config.sessionStore());
        assertEquals(100_000, config.maxSessions());
        assertEquals(1024 * 1024, config.sessionMaxSize());
        assertEquals(60, config.sessionSweepSeconds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "memory", "redis://10.0.0.5:6379/0", "redis://:s3cret@redis.internal:6380/2",
            "rediss://redis.example.org:6379/0", "redis://127.0.0.1", "redis://[::1]:6379/1?timeout=5s"})
    void storesThatWork(String value) {
        assertEquals(value, with("session-store = " + value).sessionStore());
    }

    @Test
    void storeNamesAreCaseInsensitive() {
        assertEquals("memory", with("session-store = Memory").sessionStore());
    }

    @Test
    void aStoreThatIsNotOneSaysWhatIs() {
        String message = failing("session-store = disk", "session-store");
        assertTrue(message.contains("use file (the default, shared by the app's workers), memory, or"
                + " redis://HOST:PORT/DB"), message);
        assertTrue(failing("session-store = redis://:6379/0", "session-store").contains("names no Redis host"));
        assertTrue(failing("session-store = redis://host:6379/zero", "session-store")
                .contains("the path must be the database number"));
        assertTrue(failing("session-store = memcached://host:11211", "session-store").contains("is not a session store"));
    }

    @Test
    void limitsTakeSizesAndRanges() {
        assertEquals(64 * 1024, with("session-max-size = 64k").sessionMaxSize());
        assertEquals(5, with("session-sweep = 5").sessionSweepSeconds());
        assertEquals(10, with("max-sessions = 10").maxSessions());
        assertTrue(failing("session-max-size = 10", "session-max-size").contains("out of range"));
        assertTrue(failing("max-sessions = 0", "max-sessions").contains("use 1 or more"));
        assertTrue(failing("session-sweep = 0", "session-sweep").contains("use a number from 1 to 3600"));
    }
}
