package dev.malt.server.master;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.MDC;

/**
 * Threads that belong to one app's master. They carry the app's name in the logging context, so that
 * under the emperor (many masters in one JVM) each master's lines reach that app's log file.
 */
final class AppThreadFactory extends DefaultThreadFactory {

    /** MDC key with the app name; the emperor's log router reads it. */
    public static final String APP_KEY = "malt.app"; // read by the emperor's log router

    private final String app;

    AppThreadFactory(String poolName, String app) {
        this(poolName, app, false);
    }

    AppThreadFactory(String poolName, String app, boolean daemon) {
        super(poolName, daemon);
        this.app = app;
    }

    @Override
    public Thread newThread(Runnable r) {
        return super.newThread(() -> {
            MDC.put(APP_KEY, app);
            r.run();
        });
    }
}
