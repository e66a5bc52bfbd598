package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.MaltProcess;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

/** {@link SharedSessionsTest} with the default store: files in the app's state directory. */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FileSessionsTest extends SharedSessionsTest {

    @Override
    String name() {
        return "file-sessions";
    }

    @Override
    MaltProcess.Builder withStore(MaltProcess.Builder app) {
        return app; // the default: session-store = file
    }
}
