package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

/** {@link SharedSessionsTest} with {@code session-store = redis://...}: a real Redis on a loopback port. */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedisSessionsTest extends SharedSessionsTest {

    private Redis redis;

    @Override
    String name() {
        return "redis-sessions";
    }

    @Override
    MaltProcess.Builder withStore(MaltProcess.Builder app) {
        redis = Redis.start();
        return app.option("session-store", redis.url(3));
    }

    @Override
    @AfterAll
    void stop() {
        try {
            super.stop();
        } finally {
            if (redis != null) {
                redis.close(); // after the app, which may still use it while it stops
            }
        }
    }
}
