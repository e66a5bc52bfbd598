package dev.malt.server.cache;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An app's response cache, owned by its master: why the master, and not a file the workers share, is that the
 * master outlives every worker and runs no app code. A worker killed with {@code kill -9} in the middle of a store
 * leaves at most half a frame on a socket, never half an entry; entries survive worker restarts and reloads; and
 * the one process that sees every worker's misses is the natural place to make them wait for each other.
 *
 * <p>Workers reach it on {@value #SOCKET_NAME} beside their control socket ({@link CacheProtocol}). It runs on a
 * thread of its own, so a busy cache never delays the master's supervision of its workers.
 */
public final class MasterCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MasterCache.class);

    /** The socket's file name in the master's runtime directory, beside {@code control.sock}. */
    public static final String SOCKET_NAME = "cache.sock";

    /** The memory caches of every app in this JVM, against its heap; guarded by itself. */
    private static final HeapBudget HEAP_BUDGET = new HeapBudget(Runtime.getRuntime().maxMemory());

    private final String appName;
    private final Path socket;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private volatile CacheSettings.Store settings;
    /** Read and replaced on {@link #loop} only. */
    private CacheService service;
    private CacheServer server;
    private ScheduledFuture<?> ticks;

    private MasterCache(String appName, Path socket, CacheSettings.Store settings) {
        this.appName = appName;
        this.socket = socket;
        this.settings = settings;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cache-" + appName, true),
                EpollIoHandler.newFactory());
        this.loop = group.next();
    }

    /** Opens the store and listens on {@code socket}. */
    public static MasterCache start(String appName, CacheSettings.Store settings, Path socket) throws IOException {
        MasterCache cache = new MasterCache(appName, socket, settings);
        try {
            cache.service = cache.newService(settings);
            cache.server = CacheServer.start(cache.loop, socket, () -> cache.service,
                    () -> CacheProtocol.maxFrame(cache.settings.maxItemBytes()));
            cache.ticks = cache.loop.scheduleAtFixedRate(() -> cache.service.tick(), CacheService.TICK_MILLIS,
                    CacheService.TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cache.close();
            throw new IOException("interrupted while opening the cache socket " + socket, e);
        } catch (IOException | RuntimeException e) {
            cache.close();
            throw e;
        }
        LOG.info("response cache of {}: {} on {}", appName, describe(settings), socket);
        cache.checkHeap(settings);
        return cache;
    }

    /** Warns when the memory caches of this JVM's apps may outgrow its heap; see {@link HeapBudget}. */
    private void checkHeap(CacheSettings.Store store) {
        synchronized (HEAP_BUDGET) {
            if (store.redis().isPresent()) {
                HEAP_BUDGET.release(this);
            } else {
                HEAP_BUDGET.reserve(this, appName, store.sizeBytes()).ifPresent(LOG::warn);
            }
        }
    }

    private CacheService newService(CacheSettings.Store settings) {
        CacheStore store = settings.redis().isPresent() ? new RedisStore(settings.redis().get(), appName)
                : new MemoryStore(settings.sizeBytes(), CacheClock.SYSTEM);
        return new CacheService(settings, store, CacheClock.SYSTEM, loop, loop::inEventLoop);
    }

    private static String describe(CacheSettings.Store settings) {
        return settings.redis().map(url -> "Redis " + RedisStore.safe(url))
                .orElse("memory, " + (settings.sizeBytes() >> 10) + " KiB");
    }

    public Path socket() {
        return socket;
    }

    /**
     * After a reload: the same settings keep the entries; other ones start a new, empty store (waiting requests go
     * to the app uncached once).
     */
    public void reconfigure(CacheSettings.Store next) {
        if (next.equals(settings)) {
            return;
        }
        settings = next;
        checkHeap(next);
        loop.execute(() -> {
            CacheService old = service;
            service = newService(next);
            old.shutdown();
            LOG.info("response cache of {} reconfigured: {}; it starts empty", appName, describe(next));
        });
    }

    /** {@code malt cache purge NAME [PREFIX]}: completes with how many entries went. */
    public CompletableFuture<Long> purge(String uriPrefix) {
        return CompletableFuture.supplyAsync(() -> service.purge(uriPrefix), loop).thenCompose(f -> f);
    }

    public CompletableFuture<CacheStats> stats() {
        String backend = settings.redis().map(RedisStore::safe).orElse("memory");
        return CompletableFuture.supplyAsync(() -> service.stats(backend), loop).thenCompose(f -> f);
    }

    @Override
    public void close() {
        synchronized (HEAP_BUDGET) {
            HEAP_BUDGET.release(this);
        }
        if (ticks != null) {
            ticks.cancel(false);
        }
        if (server != null) {
            server.close();
        }
        if (service != null) {
            CacheService last = service;
            try {
                loop.submit(last::shutdown).await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", socket, e.getMessage());
        }
    }
}
