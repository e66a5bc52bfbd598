package dev.malt.server.config;

import dev.malt.server.cache.CacheSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The response cache's options: read into CacheSettings, and bad values stop the start with file and line. */
class CacheOptionsTest {

    @TempDir
    Path tmp;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(tmp);
    }

    @Test
    void defaultsCacheNothing() {
        CacheSettings settings = CacheSettings.from(fx.loadMalt(Fixture.APP));
        assertFalse(settings.enabled());
        assertEquals(Set.of(200), settings.statuses());
        assertEquals(new CacheSettings.Store(64L << 20, 1 << 20, 5_000, 10_000, Optional.empty()), settings.store());
    }

    @Test
    void everyOptionIsRead() {
        CacheSettings settings = CacheSettings.from(fx.loadMalt(Fixture.APP
                + "cache-route = ^/products/ 60\n"
                + "cache-route = ^/public/ 10 ignore-cookies\n"
                + "cache-honor-cache-control = true\n"
                + "cache-statuses = 200, 301,404\n"
                + "cache-size = 128m\n"
                + "cache-max-item-size = 2m\n"
                + "cache-lock-timeout = 3\n"
                + "cache-max-waiters = 50\n"
                + "cache-backend = redis://127.0.0.1:6390/3\n"));
        assertTrue(settings.enabled());
        assertEquals(2, settings.routes().size());
        assertTrue(settings.routes().get(1).ignoreCookies());
        assertTrue(settings.honorCacheControl());
        assertEquals(Set.of(200, 301, 404), settings.statuses());
        assertEquals(new CacheSettings.Store(128L << 20, 2 << 20, 3_000, 50, Optional.of("redis://127.0.0.1:6390/3")),
                settings.store());
    }

    @Test
    void badValuesNameTheFileLineAndOption() {
        ConfigException e = fx.failMalt(Fixture.APP + "cache-route = ^/products/( 60\n");
        assertEquals("shop.ini:4", e.getMessage().substring(0, "shop.ini:4".length()), e.getMessage());
        assertEquals("cache-route", e.option().orElseThrow());
        assertTrue(e.getMessage().contains("'^/products/(' is not a valid regular expression"), e.getMessage());
        assertTrue(fx.failMalt(Fixture.APP + "cache-route = ^/products/\n").getMessage()
                .contains("is not REGEX TTL; write e.g. ^/products/ 60"));
        assertTrue(fx.failMalt(Fixture.APP + "cache-statuses = 200,304\n").getMessage()
                .contains("bad value for 'cache-statuses': 304 answers one client's conditional"));
        assertTrue(fx.failMalt(Fixture.APP + "cache-backend = memcache://x\n").getMessage()
                .contains("bad value for 'cache-backend'"));
        assertTrue(fx.failMalt(Fixture.APP + "cahce-route = ^/ 1\n").getMessage()
                .contains("did you mean 'cache-route'?"));
    }

    @Test
    void anItemMayNotBeLargerThanTheCache() {
        ConfigException e = fx.failMalt(Fixture.APP + "cache-size = 1m\ncache-max-item-size = 2m\n");
        assertEquals("cache-max-item-size", e.option().orElseThrow());
        assertTrue(e.getMessage().startsWith("shop.ini:5: bad value for 'cache-max-item-size': cache-max-item-size"
                + " (2097152 bytes) is larger than cache-size (1048576 bytes)"), e.getMessage());
    }
}
