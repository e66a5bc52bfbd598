package dev.malt.server.cache;

import dev.malt.server.config.AppConfig;
import dev.malt.server.worker.ExchangeHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A worker's use of its master's cache: the rules from the app's config and a connection to {@code cache.sock}
 * beside the worker's control socket, on an event loop thread of its own.
 */
public final class WorkerCache implements AutoCloseable {

    /** Beyond the master's own wait limit, how long a lookup waits for its answer. */
    static final long ANSWER_MARGIN_MILLIS = 2_000;

    private final CacheSettings settings;
    private final CacheRules rules;
    private final EventLoopGroup group;
    private final CacheClient client;

    private WorkerCache(CacheSettings settings, Set<String> sessionCookies, Path socket) {
        this.settings = settings;
        this.rules = new CacheRules(settings, sessionCookies);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cache-client", true),
                EpollIoHandler.newFactory());
        this.client = new CacheClient(group, socket, settings.store().lockTimeoutMillis() + ANSWER_MARGIN_MILLIS,
                CacheProtocol.maxFrame(settings.store().maxItemBytes()));
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
        return Optional.of(new WorkerCache(settings, sessionCookies,
                controlSocket.resolveSibling(MasterCache.SOCKET_NAME)));
    }

    /** For tests: the cache of these settings, on {@code socket}. */
    static WorkerCache of(CacheSettings settings, Set<String> sessionCookies, Path socket) {
        return new WorkerCache(settings, sessionCookies, socket);
    }

    /** {@code app} with the cache in front. */
    public ExchangeHandler wrap(ExchangeHandler app) {
        return new CachingHandler(app, rules, client, settings.store().maxItemBytes(), CacheClock.SYSTEM);
    }

    @Override
    public void close() {
        client.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
