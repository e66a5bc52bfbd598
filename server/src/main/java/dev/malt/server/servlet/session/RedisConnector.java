package dev.malt.server.servlet.session;

import dev.malt.server.servlet.core.SessionStoreException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One worker's connection to the Redis of {@code session-store = redis://...}, shared by the app's contexts
 * (Lettuce multiplexes it; it is thread-safe). Nothing here can hang a request: connecting and every
 * command are bounded by a timeout (2 s unless the URL says {@code ?timeout=}); while Redis is away,
 * commands fail at once rather than queue, and a new connection is tried at most once a second. The
 * log says when Redis goes away (once, not per request) and when it is back.
 */
final class RedisConnector implements AutoCloseable {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    private static final String IO_URING_PROPERTY = "io.lettuce.core.iouring";
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long REPEAT_REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final RedisURI uri;
    private final String display;
    private final String appName;
    private final Logger log;
    private final ClientResources resources;
    private final RedisClient client;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile long failedAt;
    private volatile boolean down;
    private volatile long reportedAt;
    private volatile RuntimeException lastFailure;

    /**
     * @param url a {@code redis://} or {@code rediss://} URL, as Lettuce reads it
     */
    RedisConnector(String url, String appName, Logger log) {
        this.uri = RedisURI.create(url);
        if (!url.contains("timeout=")) {
            uri.setTimeout(DEFAULT_TIMEOUT);
        }
        this.display = (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/"
                + uri.getDatabase();
        this.appName = appName;
        this.log = log;
        if (System.getProperty(IO_URING_PROPERTY) == null) {
            // epoll, as the worker's own Netty uses; without this Lettuce warns at every start that it chose it
            System.setProperty(IO_URING_PROPERTY, "false");
        }
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1).build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(uri.getTimeout()).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(uri.getTimeout()))
                .build());
    }

    /** The URL without a password, for messages. */
    String display() {
        return display;
    }

    /** Runs commands; a failure to reach Redis becomes a {@link SessionStoreException}, logged once. */
    <T> T call(Function<RedisCommands<byte[], byte[]>, T> commands) {
        RedisCommands<byte[], byte[]> sync = connect();
        try {
            T result = commands.apply(sync);
            if (down) {
                down = false;
                log.info(SessionMessages.redisBack(appName, display));
            }
            return result;
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    private RedisCommands<byte[], byte[]> connect() {
        StatefulRedisConnection<byte[], byte[]> open = connection;
        if (open != null) {
            return open.sync();
        }
        synchronized (this) {
            if (connection != null) {
                return connection.sync();
            }
            if (lastFailure != null && System.nanoTime() - failedAt < RETRY_NANOS) {
                throw new SessionStoreException(lastFailure.getMessage(), lastFailure);
            }
            try {
                connection = client.connect(ByteArrayCodec.INSTANCE, uri);
                lastFailure = null;
                return connection.sync();
            } catch (RedisException e) {
                failedAt = System.nanoTime();
                SessionStoreException failure = unavailable(e);
                lastFailure = failure;
                throw failure;
            }
        }
    }

    private SessionStoreException unavailable(RedisException e) {
        String detail = String.valueOf(e.getMessage());
        if (e.getCause() != null && e.getCause().getMessage() != null) {
            detail += " (" + e.getCause().getMessage() + ")";
        }
        while (detail.endsWith(".")) {
            detail = detail.substring(0, detail.length() - 1);
        }
        String message = SessionMessages.redisUnavailable(appName, display, detail);
        long now = System.nanoTime();
        if (!down || now - reportedAt > REPEAT_REPORT_NANOS) {
            down = true;
            reportedAt = now;
            log.error(message);
        }
        return new SessionStoreException(message, e);
    }

    @Override
    public void close() {
        StatefulRedisConnection<byte[], byte[]> open = connection;
        if (open != null) {
            open.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
