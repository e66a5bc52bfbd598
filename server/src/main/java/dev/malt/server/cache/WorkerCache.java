package dev.malt.server.cache;

import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ThreadsSetting;
import dev.malt.server.worker.ExchangeHandler;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A worker's use of its master's cache: the rules from the app's config and a pool of connections to
 * {@code cache.sock} beside the worker's control socket.
 */
public final class WorkerCache implements AutoCloseable {

    /** Beyond the master's own wait limit, how long a lookup waits for its answer. */
    static final long ANSWER_MARGIN_MILLIS = 2_000;
    /** Connections for an app on virtual threads, which has no thread count to size them by. */
    static final int VIRTUAL_THREAD_CONNECTIONS = 256;

    private final CacheSettings settings;
    private final CacheRules rules;
    private final CacheClient client;

    /**
     * @param connections the most connections to the master: a lookup or a lead holds one; a request finding
     *                    none free goes to the app uncached
     */
    private WorkerCache(CacheSettings settings, Set<String> sessionCookies, Path socket, int connections) {
        this.settings = settings;
        this.rules = new CacheRules(settings, sessionCookies);
        this.client = new CacheClient(socket, settings.store().lockTimeoutMillis() + ANSWER_MARGIN_MILLIS,
                CacheProtocol.maxFrame(settings.store().maxItemBytes()), connections);
    }

    /**
     * The cache of {@code config}'s app, or empty when it caches nothing.
     *
     * @param controlSocket  this worker's control socket; the cache socket is beside it
     * @param sessionCookies the session cookie names of the app's contexts
     */
    public static Optional<WorkerCache> open(AppConfig config, Path controlSocket, Set<String> sessionCookies) {
        CacheSettings settings = CacheSettings.from(config);
        if (!settings.enabled()) {
            return Optional.empty();
        }
        // Every app thread may be in a lookup, and as many leads may wait for async responses to end.
        ThreadsSetting threads = config.threads();
        int connections = threads.isVirtual() ? VIRTUAL_THREAD_CONNECTIONS : Math.max(8, 2 * threads.count());
        return Optional.of(new WorkerCache(settings, sessionCookies,
                controlSocket.resolveSibling(MasterCache.SOCKET_NAME), connections));
    }

    /** For tests: the cache of these settings, on {@code socket}. */
    static WorkerCache of(CacheSettings settings, Set<String> sessionCookies, Path socket) {
        return new WorkerCache(settings, sessionCookies, socket, 16);
    }

    /** {@code app} with the cache in front. */
    public ExchangeHandler wrap(ExchangeHandler app) {
        return new CachingHandler(app, rules, client, settings.store().maxItemBytes(), CacheClock.SYSTEM);
    }

    @Override
    public void close() {
        client.close();
    }
}
