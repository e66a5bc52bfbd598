package dev.malt.server.master;

import java.nio.file.Path;
import java.util.List;

/**
 * What the arbiter needs from an app's config, in its own units.
 *
 * @param workers                 pool size ({@code workers})
 * @param harakiriMillis          longest a request may run before its worker is killed; 0 = off
 * @param maxRequests             requests after which a worker is recycled; 0 = off
 * @param reloadOnRssBytes        RSS after which a worker is recycled; 0 = off
 * @param reloadMercyMillis       how long a stopping worker may finish in-flight requests
 * @param touchReload             files whose mtime change reloads all workers at once
 * @param touchChainReload        files whose mtime change reloads workers one by one
 * @param heartbeatTimeoutMillis  silence after which a ready worker is presumed hung and killed
 * @param bootTimeoutMillis       how long a new worker may take to become ready
 * @param minBackoffMillis        first delay after a boot failure
 * @param maxBackoffMillis        longest delay between boot attempts
 */
public record MasterSettings(String appName, int workers, long harakiriMillis, long maxRequests,
                             long reloadOnRssBytes, long reloadMercyMillis, List<Path> touchReload,
                             List<Path> touchChainReload, long heartbeatTimeoutMillis, long bootTimeoutMillis,
                             long minBackoffMillis, long maxBackoffMillis) {

    public static final long DEFAULT_HEARTBEAT_TIMEOUT_MILLIS = 30_000;
    public static final long DEFAULT_BOOT_TIMEOUT_MILLIS = 120_000;
    public static final long DEFAULT_MIN_BACKOFF_MILLIS = 1_000;
    public static final long DEFAULT_MAX_BACKOFF_MILLIS = 60_000;

    public MasterSettings {
        touchReload = List.copyOf(touchReload);
        touchChainReload = List.copyOf(touchChainReload);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
    }

    /** Settings with the default timeouts and backoff. */
    public static MasterSettings of(String appName, int workers, long harakiriMillis, long maxRequests,
                                    long reloadOnRssBytes, long reloadMercyMillis, List<Path> touchReload,
                                    List<Path> touchChainReload) {
        return new MasterSettings(appName, workers, harakiriMillis, maxRequests, reloadOnRssBytes, reloadMercyMillis,
                touchReload, touchChainReload, DEFAULT_HEARTBEAT_TIMEOUT_MILLIS, DEFAULT_BOOT_TIMEOUT_MILLIS,
                DEFAULT_MIN_BACKOFF_MILLIS, DEFAULT_MAX_BACKOFF_MILLIS);
    }
}
