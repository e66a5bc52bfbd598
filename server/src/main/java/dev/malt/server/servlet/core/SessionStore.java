package dev.malt.server.servlet.core;

import org.slf4j.Logger;

import java.time.Clock;
import java.util.List;

/**
 * Where a context's sessions live. The one seam between the session rules ({@link SessionManager}:
 * ids, cookies, listeners, expiry) and storage: this worker's memory ({@link MemorySessionStore}), or a
 * store shared by all workers of an app (files in the app's state directory, Redis), which serializes
 * each session and reads it back in whichever worker the next request reaches.
 *
 * <p>Ending a session is a claim: of all workers that find it expired or invalidate it at the same time,
 * exactly one gets {@code true} from {@link #claim} (or the session from {@link #claimExpired}) and fires
 * the listeners. Implementations are thread-safe.
 */
public interface SessionStore extends AutoCloseable {

    /**
     * The session with this id, or {@code null} (unknown, malformed id, unreadable record). Expired
     * sessions may still be returned: the manager checks.
     *
     * @throws SessionStoreException when the store cannot be reached; the request gets 503
     */
    SessionData load(String id);

    /**
     * Adds a new session (a shared store writes it when its first request ends).
     *
     * @throws IllegalStateException when the store is full
     */
    void add(SessionData session);

    /** A request with this session began at {@code now}: its idle time restarts. */
    void accessed(SessionData session, long now);

    /**
     * A request that used the session ended; {@code changed} says something may differ from what was
     * stored. A shared store writes it back here, before the response ends.
     */
    void save(SessionData session, long now, boolean changed);

    /** Ends the session in the store: true for the one caller that did (another worker may have been faster). */
    boolean claim(SessionData session);

    /** Moves a session to a new id; false when the old id is gone. The manager then renames the object. */
    boolean changeId(SessionData session, String newId);

    /** Claims every session whose time ran out at {@code now}; the caller fires their listeners. */
    List<SessionData> claimExpired(long now);

    /** How many sessions it holds now (an estimate for a shared store). */
    int size();

    /** True when sessions are serialized (shared by workers): every attribute must be Serializable. */
    default boolean serializes() {
        return false;
    }

    /** A short description for messages: {@code memory}, {@code /var/lib/malt/shop/sessions/ROOT}, a Redis URL. */
    String describe();

    @Override
    void close();

    /** What a store needs from its context. */
    record Context(String appName, String contextPath, ClassLoader classLoader, Clock clock, Logger log,
                   Activation activation) {
    }

    /**
     * The spec's activation events (7.7.2): attributes that implement HttpSessionActivationListener hear
     * that they are about to be serialized, and that they were read back (or live on after the write).
     */
    interface Activation {
        void willPassivate(SessionData session);

        void didActivate(SessionData session);
    }

    /** Opens the store of one context. */
    @FunctionalInterface
    interface Factory {
        SessionStore open(Context context);
    }
}
