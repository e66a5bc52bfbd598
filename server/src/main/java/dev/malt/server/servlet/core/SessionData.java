package dev.malt.server.servlet.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of one HTTP session, as a {@link SessionStore} keeps it: id, times, timeout and attributes.
 * Thread-safe: requests of one user may run at the same time on several app threads.
 */
public final class SessionData {

    private volatile String id;
    private final long creationTime;
    private volatile long lastAccessedTime;
    private volatile int maxInactiveSeconds;
    private volatile boolean valid = true;
    private volatile boolean fresh = true;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    /** The container's own state in this session (who logged in), apart from the app's attributes. */
    private final Map<String, Object> notes = new ConcurrentHashMap<>();
    /** The one HttpSession object the app sees for this session, so listeners can compare identities. */
    private volatile Object view;

    public SessionData(String id, long creationTime, int maxInactiveSeconds) {
        this.id = id;
        this.creationTime = creationTime;
        this.lastAccessedTime = creationTime;
        this.maxInactiveSeconds = maxInactiveSeconds;
    }

    public String id() {
        return id;
    }

    void setId(String id) {
        this.id = id;
    }

    public long creationTime() {
        return creationTime;
    }

    public long lastAccessedTime() {
        return lastAccessedTime;
    }

    void accessed(long now) {
        lastAccessedTime = now;
    }

    public int maxInactiveSeconds() {
        return maxInactiveSeconds;
    }

    void setMaxInactiveSeconds(int seconds) {
        maxInactiveSeconds = seconds;
    }

    public boolean isValid() {
        return valid;
    }

    /** Marks it invalid; true for the one caller that did it. */
    synchronized boolean invalidate() {
        if (!valid) {
            return false;
        }
        valid = false;
        return true;
    }

    /** True until a request comes back with this session's id (HttpSession#isNew). */
    public boolean isFresh() {
        return fresh;
    }

    void joined() {
        fresh = false;
    }

    public boolean isExpired(long now) {
        int max = maxInactiveSeconds;
        return max > 0 && now - lastAccessedTime > max * 1000L;
    }

    public Map<String, Object> attributes() {
        return attributes;
    }

    /**
     * The container's own entries: never visible as attributes, gone with the session. Values are plain
     * records of strings, so a store shared by workers can write them as it writes attributes.
     */
    public Map<String, Object> notes() {
        return notes;
    }

    Object view() {
        return view;
    }

    void setView(Object view) {
        this.view = view;
    }
}
