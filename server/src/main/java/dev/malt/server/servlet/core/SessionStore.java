package dev.malt.server.servlet.core;

import java.util.List;

/**
 * Where a context's sessions live. The one seam between the session rules ({@link SessionManager}:
 * ids, cookies, listeners, expiry) and storage: the default keeps them in this worker's memory; a store
 * shared by all workers of an app, or by several machines, implements the same five operations.
 * Implementations are thread-safe.
 */
public interface SessionStore extends AutoCloseable {

    /** The session with this id, or {@code null}. Expired sessions may still be returned: the manager checks. */
    SessionData get(String id);

    /**
     * Adds a new session.
     *
     * @throws IllegalStateException when the store is full
     */
    void add(SessionData session);

    /** Called at the end of every request that used the session: a shared store writes it back here. */
    void save(SessionData session);

    /** Removes and returns the session, or {@code null} when it was not there (another worker was faster). */
    SessionData remove(String id);

    /** Moves a session to a new id; false when the old id is gone. */
    boolean changeId(String oldId, String newId);

    /** Sessions whose time ran out at {@code now}; the manager removes each (with its listeners). */
    List<SessionData> expired(long now);

    /** How many sessions it holds now. */
    int size();

    @Override
    void close();
}
