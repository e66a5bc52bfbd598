package dev.malt.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Checks a {@code session-store} value: {@code file}, {@code memory}, or a Redis URL Lettuce can use. */
final class SessionStoreSetting {

    private SessionStoreSetting() {
    }

    /**
     * @return the value to keep: {@code file}, {@code memory} or the URL as written
     * @throws IllegalArgumentException with what is wrong and an example
     */
    static String normalize(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("file") || lower.equals("memory")) {
            return lower;
        }
        if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
            throw new IllegalArgumentException("'" + value + "' is not a session store; use file (the default, shared"
                    + " by the app's workers), memory, or redis://HOST:PORT/DB, e.g. redis://10.0.0.5:6379/0");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + value + "' is not a URL (" + e.getReason()
                    + "); write e.g. redis://10.0.0.5:6379/0");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + value + "' names no Redis host; write e.g. redis://10.0.0.5:6379/0");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.matches("/\\d{0,5}")) {
            throw new IllegalArgumentException("'" + value + "': the path must be the database number, as in"
                    + " redis://10.0.0.5:6379/0");
        }
        return value;
    }
}
