package dev.malt.server.servlet.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state of one HTTP session, as a {@link SessionStore} keeps it: id, times, timeout and attributes.
 * Thread-safe: requests of one user may run at the same time on several app threads.
 *
 * <p>A store that serializes sessions also keeps here what it last wrote ({@link #revision()}, the bytes)
 * and whether anything may have changed since ({@link #isDirty()}), so a request that only read the
 * session does not rewrite it.
 */
public final class SessionData {

    /** Values that cannot change once read: reading one does not make the session dirty. */
    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class);

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

    // ---- what a serializing store keeps
    /** The revision the store last read or wrote; 0 while the session was never written. */
    private volatile long revision;
    private volatile byte[] storedPayload;
    /** The expiry time the store last recorded (file mtime, Redis score). */
    private volatile long storedExpiresAt;
    /** Something may differ from what was stored: set by writes and by reads of mutable values. */
    private volatile boolean dirty = true;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean claimed = new AtomicBoolean();

    public SessionData(String id, long creationTime, int maxInactiveSeconds) {
        this.id = id;
        this.creationTime = creationTime;
        this.lastAccessedTime = creationTime;
        this.thisAccessedTime = creationTime;
        this.maxInactiveSeconds = maxInactiveSeconds;
    }

    /** A session as a store read it back: not new unless {@code fresh}, last used at {@code lastAccess}. */
    public static SessionData restored(String id, long creationTime, int maxInactiveSeconds, boolean fresh,
                                       long lastAccess) {
        SessionData data = new SessionData(id, creationTime, maxInactiveSeconds);
        data.fresh = fresh;
        data.lastAccessedTime = lastAccess;
        data.thisAccessedTime = lastAccess;
        return data;
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

    /** A request began. */
    void accessed(long now) {
        thisAccessedTime = now;
    }

    /** A request that used this session ended: its start becomes the last access the next one sees. */
    void released(long now) {
        lastAccessedTime = thisAccessedTime;
        thisAccessedTime = now;
    }

    /**
     * A store read the session again and learnt it was last used at {@code lastAccess} (perhaps through
     * another worker): later than what this object knew, it becomes the last access.
     */
    public void seenAccessedAt(long lastAccess) {
        if (lastAccess > thisAccessedTime) {
            lastAccessedTime = lastAccess;
            thisAccessedTime = lastAccess;
        }
    }

    public int maxInactiveSeconds() {
        return maxInactiveSeconds;
    }

    void setMaxInactiveSeconds(int seconds) {
        maxInactiveSeconds = seconds;
        dirty = true;
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
        if (fresh) {
            fresh = false;
            dirty = true;
        }
    }

    public boolean isExpired(long now) {
        int max = maxInactiveSeconds;
        return max > 0 && now - thisAccessedTime > max * 1000L;
    }

    /** The app's attributes; whoever changes them marks the session {@link #markDirty() dirty}. */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** An attribute value handed to the app: a mutable one may be changed in place, so it must be saved again. */
    Object read(Object value) {
        if (value != null && !IMMUTABLE.contains(value.getClass())) {
            dirty = true;
        }
        return value;
    }

    /**
     * The container's own entries: never visible as attributes, gone with the session. Values are plain
     * records of strings, so a store shared by workers can write them as it writes attributes.
     */
    public Map<String, Object> notes() {
        return Collections.unmodifiableMap(notes);
    }

    public Object note(String name) {
        return notes.get(name);
    }

    public void putNote(String name, Object value) {
        notes.put(name, value);
        dirty = true;
    }

    public void removeNote(String name) {
        if (notes.remove(name) != null) {
            dirty = true;
        }
    }

    /** For a store that read the session back: its notes as written. */
    public void restoreNotes(Map<String, Object> restored) {
        notes.putAll(restored);
    }

    Object view() {
        return view;
    }

    void setView(Object view) {
        this.view = view;
    }

    // ---- bookkeeping for stores that serialize sessions

    public void markDirty() {
        dirty = true;
    }

    public boolean isDirty() {
        return dirty;
    }

    /** A request began using this object. */
    void enter() {
        inFlight.incrementAndGet();
    }

    /**
     * A request that used this object ended: true when the session must be serialized again. While other
     * requests still use it, always (they may change a value in place after this one is saved); the last one
     * out does so when anything was written or a mutable value was read.
     */
    boolean leave() {
        if (inFlight.decrementAndGet() > 0) {
            return true;
        }
        inFlight.compareAndSet(-1, 0); // a leave without an enter (an Accessor on a session found elsewhere)
        boolean wasDirty = dirty;
        dirty = false;
        return wasDirty;
    }

    public long revision() {
        return revision;
    }

    public byte[] storedPayload() {
        return storedPayload;
    }

    public long storedExpiresAt() {
        return storedExpiresAt;
    }

    /** The store wrote (or read) {@code payload} as {@code revision}, expiring at {@code expiresAt}. */
    public void stored(long revision, byte[] payload, long expiresAt) {
        this.revision = revision;
        this.storedPayload = payload;
        this.storedExpiresAt = expiresAt;
    }

    public void storedExpiresAt(long expiresAt) {
        this.storedExpiresAt = expiresAt;
    }

    /** True for the one caller that ends this session object (invalidation, expiry); stores use it for unsaved ones. */
    public boolean claim() {
        return claimed.compareAndSet(false, true);
    }
}
