package dev.malt.server.servlet.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in this worker's heap ({@code session-store = memory}). Fast, and gone with the worker; with
 * several workers, nginx sends a user's next request to any of them, which will not know the session. At
 * most {@code maxSessions} live at once, so clients cannot grow the heap without bound by collecting new
 * sessions.
 */
public final class MemorySessionStore implements SessionStore {

    /** Default cap on live sessions per context (and worker, for this store). */
    public static final int DEFAULT_MAX_SESSIONS = 100_000;

    private final ConcurrentHashMap<String, SessionData> sessions = new ConcurrentHashMap<>();
    private final int maxSessions;

    public MemorySessionStore(int maxSessions) {
        this.maxSessions = maxSessions;
    }

    /** Memory stores of {@code maxSessions} sessions each. */
    public static Factory factory(int maxSessions) {
        return context -> new MemorySessionStore(maxSessions);
    }

    @Override
    public SessionData load(String id) {
        return sessions.get(id);
    }

    @Override
    public void add(SessionData session) {
        if (sessions.size() >= maxSessions) {
            throw new IllegalStateException("the session store is full (" + maxSessions + " sessions; max-sessions)");
        }
        sessions.put(session.id(), session);
    }

    @Override
    public void accessed(SessionData session, long now) {
        // the object is the stored state
    }

    @Override
    public void save(SessionData session, long now, boolean changed) {
        // the object is the stored state
    }

    @Override
    public boolean claim(SessionData session) {
        return sessions.remove(session.id(), session);
    }

    @Override
    public boolean changeId(SessionData session, String newId) {
        if (!sessions.remove(session.id(), session)) {
            return false;
        }
        sessions.put(newId, session);
        return true;
    }

    @Override
    public List<SessionData> claimExpired(long now) {
        List<SessionData> expired = new ArrayList<>();
        for (SessionData data : sessions.values()) {
            if (data.isExpired(now) && sessions.remove(data.id(), data)) {
                expired.add(data);
            }
        }
        return expired;
    }

    /** Claims every session: at stop, a memory store's sessions end with the worker. */
    List<SessionData> claimAll() {
        List<SessionData> all = new ArrayList<>();
        for (SessionData data : sessions.values()) {
            if (sessions.remove(data.id(), data)) {
                all.add(data);
            }
        }
        return all;
    }

    @Override
    public int size() {
        return sessions.size();
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public void close() {
        sessions.clear();
    }
}
