package dev.malt.server.cache;

import dev.malt.server.config.AppConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An app's response cache as its INI file sets it up. The rules ({@link #routes}, {@link #honorCacheControl},
 * {@link #statuses}) are applied by the workers; {@link #store} by the master, which owns the entries.
 *
 * @param routes            {@code cache-route} values, first match wins
 * @param honorCacheControl {@code cache-honor-cache-control}: the app's {@code s-maxage}/{@code max-age} set the
 *                          TTL, and opt in URIs no route covers
 * @param statuses          {@code cache-statuses}: the response statuses that may be stored
 * @param store             what the master needs
 */
public record CacheSettings(List<CacheRoute> routes, boolean honorCacheControl, Set<Integer> statuses,
                            Store store) {

    /** {@code cache-size} default: 64 MiB. */
    public static final long DEFAULT_SIZE = 64L << 20;
    /** {@code cache-max-item-size} default: 1 MiB. */
    public static final int DEFAULT_MAX_ITEM_SIZE = 1 << 20;
    /** {@code cache-lock-timeout} default, as nginx's {@code proxy_cache_lock_timeout}. */
    public static final int DEFAULT_LOCK_TIMEOUT_SECONDS = 5;
    /** {@code cache-max-waiters} default. */
    public static final int DEFAULT_MAX_WAITERS = 10_000;

    /**
     * The master's side.
     *
     * @param sizeBytes         {@code cache-size}: the most bytes the embedded store keeps (entries, keys included)
     * @param maxItemBytes      {@code cache-max-item-size}: a larger response is not stored
     * @param lockTimeoutMillis {@code cache-lock-timeout}: how long requests wait for another one to fill an entry,
     *                          and how long that one may hold the key; 0 turns waiting off
     * @param maxWaiters        {@code cache-max-waiters}: requests that may wait at once; more go to the app
     * @param redis             {@code cache-backend = redis://...}, or empty for the embedded store
     */
    public record Store(long sizeBytes, int maxItemBytes, long lockTimeoutMillis, int maxWaiters,
                        Optional<String> redis) {
    }

    public CacheSettings {
        routes = List.copyOf(routes);
        statuses = Set.copyOf(statuses);
    }

    /** Whether anything can be cached: a route, or apps allowed to opt in. */
    public boolean enabled() {
        return !routes.isEmpty() || honorCacheControl;
    }

    /** Reads the {@code cache-*} options of a loaded (so already validated) config. */
    public static CacheSettings from(AppConfig config) {
        List<CacheRoute> routes = config.list("cache-route").stream().map(CacheRoute::parse).toList();
        String backend = config.string("cache-backend").orElse("memory");
        Store store = new Store(Long.parseLong(config.string("cache-size").orElseThrow()),
                config.integer("cache-max-item-size"), config.integer("cache-lock-timeout") * 1000L,
                config.integer("cache-max-waiters"),
                backend.equals("memory") ? Optional.empty() : Optional.of(backend));
        return new CacheSettings(routes, config.bool("cache-honor-cache-control"),
                parseStatuses(config.string("cache-statuses").orElse("200")), store);
    }

    /** {@code 200,301,404}: the statuses that may be stored. */
    static Set<Integer> parseStatuses(String value) {
        Set<Integer> statuses = new TreeSet<>();
        for (String part : value.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!part.chars().allMatch(Character::isDigit) || part.length() != 3) {
                throw new IllegalArgumentException("'" + part + "' is not an HTTP status; write e.g. 200,301,404");
            }
            int status = Integer.parseInt(part);
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException(status + " cannot be cached; use statuses from 200 to 599");
            }
            if (status == 206 || status == 304) {
                throw new IllegalArgumentException(status + " answers one client's conditional or range request and"
                        + " cannot be served to others; remove it");
            }
            statuses.add(status);
        }
        if (statuses.isEmpty()) {
            throw new IllegalArgumentException("no status given; write e.g. 200 or 200,301,404");
        }
        return statuses;
    }

    /** {@code cache-statuses} as the config keeps it: sorted, comma-separated. */
    public static String normalizeStatuses(String value) {
        return String.join(",", parseStatuses(value).stream().map(String::valueOf).toList());
    }

    /**
     * {@code memory}, or {@code redis://[:PASSWORD@]HOST[:PORT][/DB]} ({@code rediss://} for TLS), as lettuce
     * takes it.
     */
    public static String normalizeBackend(String value) {
        if (value.equalsIgnoreCase("memory")) {
            return "memory";
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + value + "' is not a URL (" + e.getReason() + "); write memory, or"
                    + " redis://HOST:PORT/DB, e.g. redis://127.0.0.1:6379/0");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("'" + value + "' is neither memory nor a redis:// URL; write e.g."
                    + " redis://127.0.0.1:6379/0");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + value + "' names no host; write e.g. redis://127.0.0.1:6379/0");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,2}")) {
            throw new IllegalArgumentException("'" + path + "' in " + value + " is not a database number; write e.g."
                    + " redis://127.0.0.1:6379/0");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("'" + value + "' has a query or fragment; write redis://HOST:PORT/DB");
        }
        return value;
    }
}
