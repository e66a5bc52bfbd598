package dev.malt.server.servlet.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in this worker's heap. Fast, and gone with the worker; with several workers, nginx sends a
 * user's next request to any of them, which will not know the session. At most {@code maxSessions}
 * live at once, so clients cannot grow the heap without bound by collecting new sessions.
 */
public final class MemorySessionStore implements SessionStore {

    /** Default cap on live sessions per context and worker. */
    public static final int DEFAULT_MAX_SESSIONS = 100_000;

    private final ConcurrentHashMap<String, SessionData> sessions = new ConcurrentHashMap<>();
    private final int maxSessions;

    public MemorySessionStore(int maxSessions) {
        this.maxSessions = maxSessions;
    }

    @Override
    public SessionData get(String id) {
        return sessions.get(id);
    }

    @Override
    public void add(SessionData session) {
        if (sessions.size() >= maxSessions) {
            throw new IllegalStateException("the session store is full (" + maxSessions + " sessions)");
        }
        sessions.put(session.id(), session);
    }

    @Override
    public void save(SessionData session) {
        // the object is the stored state
    }

    @Override
    public SessionData remove(String id) {
        return sessions.remove(id);
    }

    @Override
    public boolean changeId(String oldId, String newId) {
        SessionData data = sessions.remove(oldId);
        if (data == null) {
            return false;
        }
        data.setId(newId);
        sessions.put(newId, data);
        return true;
    }

    @Override
    public List<SessionData> expired(long now) {
        List<SessionData> expired = new ArrayList<>();
        for (SessionData data : sessions.values()) {
            if (data.isExpired(now)) {
                expired.add(data);
            }
        }
        return expired;
    }

    @Override
    public int size() {
        return sessions.size();
    }

    @Override
    public void close() {
        sessions.clear();
    }
}
