package dev.malt.server.servlet;

import dev.malt.server.servlet.core.MemorySessionStore;
import dev.malt.server.servlet.core.SessionManager;

/**
 * Where an app's sessions live and their limits ({@code session-store}, {@code max-sessions},
 * {@code session-max-size}, {@code session-sweep}).
 *
 * @param store        {@code file} (the app's state directory, shared by its workers), {@code memory} (each
 *                     worker's own), or a {@code redis://} / {@code rediss://} URL
 * @param maxSessions  most sessions per context
 * @param maxBytes     largest serialized session; a bigger one is not saved, and the log says why
 * @param sweepSeconds how often each worker looks for expired sessions
 */
public record SessionSettings(String store, int maxSessions, int maxBytes, int sweepSeconds) {

    public static final String FILE = "file";
    public static final String MEMORY = "memory";
    /** Default {@code session-max-size}: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

    /** The defaults: the file store. */
    public static final SessionSettings DEFAULTS = new SessionSettings(FILE, MemorySessionStore.DEFAULT_MAX_SESSIONS,
            DEFAULT_MAX_BYTES, SessionManager.DEFAULT_SWEEP_SECONDS);

    public SessionSettings {
        if (store == null || store.isBlank()) {
            store = FILE;
        }
        if (maxSessions < 1 || maxBytes < 1 || sweepSeconds < 1) {
            throw new IllegalArgumentException("session limits must be positive: " + maxSessions + ", " + maxBytes
                    + ", " + sweepSeconds);
        }
    }

    public boolean isMemory() {
        return store.equals(MEMORY);
    }

    public boolean isFile() {
        return store.equals(FILE);
    }

    public boolean isRedis() {
        return store.startsWith("redis://") || store.startsWith("rediss://");
    }
}
