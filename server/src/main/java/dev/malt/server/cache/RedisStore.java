package dev.malt.server.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code cache-backend = redis://HOST:PORT/DB}: entries in a Redis that masters on several hosts share, through
 * lettuce. Every key starts with {@code malt:cache:APP:}, so apps of the same name share entries and a purge
 * touches one app only:
 * <pre>
 * malt:cache:APP:e URI \n ORIGIN \n VARIANT     an entry, with its TTL (SET PX)
 * malt:cache:APP:v URI \n ORIGIN               a vary spec
 * malt:cache:APP:l KEY                          a fill lock: SET NX PX with a random token, deleted by a script
 *                                               only while it still holds that token
 * </pre>
 * Commands time out after {@value #COMMAND_TIMEOUT_MILLIS} ms and fail at once while Redis is unreachable; the
 * master then lets requests go to the app uncached rather than queueing them. At most
 * {@value #REQUEST_QUEUE} commands wait for Redis at a time.
 */
final class RedisStore implements CacheStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);

    static final long COMMAND_TIMEOUT_MILLIS = 2_000;
    static final int REQUEST_QUEUE = 10_000;
    /** Keys per SCAN step and per UNLINK while purging. */
    static final int SCAN_BATCH = 500;
    private static final long RECONNECT_MILLIS = 2_000;
    private static final String UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";

    static {
        // Malt's sockets use epoll; without this lettuce warns at every client that io_uring is there too
        if (System.getProperty("io.lettuce.core.iouring") == null) {
            System.setProperty("io.lettuce.core.iouring", "false");
        }
        // lettuce logs each reconnect attempt; the cache itself says at most once a minute that Redis is away
        if (LoggerFactory.getLogger("io.lettuce") instanceof ch.qos.logback.classic.Logger lettuce
                && lettuce.getLevel() == null) {
            lettuce.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    /** One set of lettuce threads for every master of this JVM (the emperor runs many). */
    private static ClientResources resources;

    private final String url;
    private final String namespace;
    private final RedisClient client;
    private final RedisURI uri;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile boolean closed;
    private final AtomicLong nextConnectAttempt = new AtomicLong();
    /** A connection was tried once: from then on, attempts are spaced by {@link #RECONNECT_MILLIS}. */
    private volatile boolean connecting;
    private final int namespaceBytes;

    RedisStore(String url, String appName) {
        this.url = url;
        this.namespace = "malt:cache:" + appName + ":";
        this.namespaceBytes = namespace.getBytes(StandardCharsets.UTF_8).length;
        this.uri = RedisURI.create(url);
        this.uri.setTimeout(Duration.ofMillis(COMMAND_TIMEOUT_MILLIS));
        this.client = RedisClient.create(sharedResources(), uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(COMMAND_TIMEOUT_MILLIS)))
                .build());
        connect();
    }

    private static synchronized ClientResources sharedResources() {
        if (resources == null) {
            resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        }
        return resources;
    }

    /**
     * Connects in the background; until it succeeds commands fail and requests go uncached. Lettuce reconnects
     * by itself once connected; a first connection that fails is retried here, at most every few seconds.
     */
    private void connect() {
        if (closed || connection != null) {
            return;
        }
        long now = System.nanoTime();
        long next = nextConnectAttempt.get();
        if ((connecting && now - next < 0) || !nextConnectAttempt.compareAndSet(next,
                now + RECONNECT_MILLIS * 1_000_000)) {
            return;
        }
        connecting = true;
        client.connectAsync(ByteArrayCodec.INSTANCE, uri).whenComplete((c, error) -> {
            if (error != null) {
                LOG.warn("cannot reach the cache's Redis at {}: {}; requests go to the app uncached until it answers",
                        safe(url), error.getMessage());
                return;
            }
            if (closed) {
                c.closeAsync();
                return;
            }
            connection = c;
            LOG.info("the response cache uses Redis at {}", safe(url));
        });
    }

    /** The URL without a password, for logs. */
    static String safe(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }

    private RedisAsyncCommands<byte[], byte[]> commands() {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c == null) {
            connect();
            throw new IllegalStateException("Redis at " + safe(url) + " is not connected yet");
        }
        return c.async();
    }

    private byte[] key(String key) {
        return (namespace + key).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        try {
            return commands().get(key(key)).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value, long ttlMillis) {
        try {
            return commands().set(key(key), value, SetArgs.Builder.px(Math.max(1, ttlMillis)))
                    .toCompletableFuture().thenApply(ok -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Boolean> tryLock(String lockKey, String token, long ttlMillis) {
        try {
            return commands().set(key("l" + lockKey), token.getBytes(StandardCharsets.US_ASCII),
                    SetArgs.Builder.nx().px(Math.max(1, ttlMillis))).toCompletableFuture().thenApply("OK"::equals);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void unlock(String lockKey, String token) {
        try {
            commands().eval(UNLOCK, ScriptOutputType.INTEGER, new byte[][] {key("l" + lockKey)},
                    token.getBytes(StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            // the lock ends with its PX anyway
        }
    }

    @Override
    public CompletableFuture<Long> purge(String uriPrefix) {
        String pattern = globEscape(namespace) + "[" + CacheKeys.ENTRY + CacheKeys.VARY + "]" + globEscape(uriPrefix)
                + "*";
        CompletableFuture<Long> done = new CompletableFuture<>();
        try {
            scan(commands(), ScanCursor.INITIAL, ScanArgs.Builder.matches(pattern.getBytes(StandardCharsets.UTF_8))
                    .limit(SCAN_BATCH), 0, done);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** One SCAN step, UNLINK what it found, then the next step until the cursor is finished. */
    private void scan(RedisAsyncCommands<byte[], byte[]> redis, ScanCursor cursor, ScanArgs args, long removed,
                      CompletableFuture<Long> done) {
        redis.scan(cursor, args).whenComplete((KeyScanCursor<byte[]> page, Throwable error) -> {
            if (error != null) {
                done.completeExceptionally(error);
                return;
            }
            List<byte[]> keys = page.getKeys();
            long entries = keys.stream().filter(k -> k.length > namespaceBytes && k[namespaceBytes] == CacheKeys.ENTRY)
                    .count();
            CompletableFuture<Long> unlinked = keys.isEmpty() ? CompletableFuture.completedFuture(0L)
                    : redis.unlink(keys.toArray(new byte[0][])).toCompletableFuture();
            unlinked.whenComplete((n, unlinkError) -> {
                if (unlinkError != null) {
                    done.completeExceptionally(unlinkError);
                } else if (page.isFinished()) {
                    done.complete(removed + entries);
                } else {
                    scan(redis, page, args, removed + entries, done);
                }
            });
        });
    }

    /** Redis glob syntax: {@code * ? [ ] \} stand for themselves only escaped. */
    static String globEscape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    @Override
    public boolean shared() {
        return true;
    }

    /** Items: the keys of the whole Redis database (DBSIZE); a database of its own keeps that exact. */
    @Override
    public CompletableFuture<Usage> usage() {
        try {
            return commands().dbsize().toCompletableFuture().thenApply(n -> new Usage(n, -1, -1))
                    .exceptionally(e -> new Usage(-1, -1, -1));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Usage(-1, -1, -1));
        }
    }

    @Override
    public void close() {
        closed = true;
        client.shutdownAsync(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "redis " + safe(url);
    }
}
