package dev.malt.server.servlet.session;

import dev.malt.server.servlet.SessionSettings;
import dev.malt.server.servlet.core.MemorySessionStore;
import dev.malt.server.servlet.core.SessionStore;
import org.slf4j.Logger;

import java.nio.file.Path;

/**
 * The session stores of one worker's app, as {@code session-store} says: each context gets its own store
 * ({@code file}: {@code STATE_DIR/sessions/CONTEXT/}; {@code redis://...}: its own key prefix on the
 * worker's one Redis connection; {@code memory}: this worker's heap).
 */
public final class SessionStores implements SessionStore.Factory, AutoCloseable {

    private final SessionSettings settings;
    private final Path sessionsDir;
    private final RedisConnector redis;

    private SessionStores(SessionSettings settings, Path sessionsDir, RedisConnector redis) {
        this.settings = settings;
        this.sessionsDir = sessionsDir;
        this.redis = redis;
    }

    /**
     * @param stateDir the app's state directory: the file store lives in its {@code sessions/}
     * @param log      where a Redis connection reports trouble
     */
    public static SessionStores open(String appName, SessionSettings settings, Path stateDir, Logger log) {
        RedisConnector redis = settings.isRedis() ? new RedisConnector(settings.store(), appName, log) : null;
        return new SessionStores(settings, stateDir.toAbsolutePath().normalize().resolve("sessions"), redis);
    }

    public int sweepSeconds() {
        return settings.sweepSeconds();
    }

    @Override
    public SessionStore open(SessionStore.Context context) {
        if (settings.isMemory()) {
            return new MemorySessionStore(settings.maxSessions());
        }
        SessionCodec codec = new SessionCodec(context.appName(), context.classLoader(), settings.maxBytes(),
                context.log());
        String contextDir = directoryName(context.contextPath());
        SessionBackend backend;
        if (redis != null) {
            long margin = Math.max(60_000L, 3_000L * settings.sweepSeconds());
            backend = new RedisSessionBackend(redis, context.appName(), contextDir, margin);
        } else {
            backend = new FileSessionBackend(sessionsDir.resolve(contextDir), codec, context.appName(), context.log(),
                    context.clock());
        }
        return new SharedSessionStore(backend, codec, context, settings.maxSessions());
    }

    /**
     * A directory name (and key part) for a context path: {@code ROOT} for the root, {@code shop} for
     * {@code /shop}, {@code a#b} for {@code /a/b}; any other character as {@code %XX}, so two contexts never
     * share one.
     */
    static String directoryName(String contextPath) {
        if (contextPath == null || contextPath.isEmpty() || contextPath.equals("/")) {
            return "ROOT";
        }
        StringBuilder name = new StringBuilder();
        for (byte b : contextPath.substring(1).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c == '/') {
                name.append('#');
            } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' && name.length() > 0) {
                name.append(c);
            } else {
                name.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return name.toString();
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
