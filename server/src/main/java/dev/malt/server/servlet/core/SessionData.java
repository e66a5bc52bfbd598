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
    /** When the previous request with this session began: what {@code getLastAccessedTime} says (spec 7.6). */
    private volatile long lastAccessedTime;
    /** The latest activity (a request beginning or ending): the idle time counts from here. */
    private volatile long thisAccessedTime;
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
        this.thisAccessedTime = creationTime;
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

    public long thisAccessedTime() {
        return thisAccessedTime;
    }

    /** A request with this session began. */
    void accessed(long now) {
        thisAccessedTime = now;
    }

    /** A request that used this session ended: its start becomes the last access the next one sees. */
    void released(long now) {
        lastAccessedTime = thisAccessedTime;
        thisAccessedTime = now;
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
        return max > 0 && now - thisAccessedTime > max * 1000L;
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
