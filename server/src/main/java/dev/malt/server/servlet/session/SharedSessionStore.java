package dev.malt.server.servlet.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.malt.server.servlet.core.SessionData;
import dev.malt.server.servlet.core.SessionStore;
import org.slf4j.Logger;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sessions shared by all workers of an app: each one serialized into a {@link SessionBackend} (files in
 * the app's state directory, or Redis), and read back by whichever worker the next request reaches.
 *
 * <p><b>The hot path.</b> A request reads the record's header; when its revision is the one this worker
 * read or wrote last, the deserialized session kept here is used again (so a worker deserializes only
 * sessions another worker changed). The use is recorded as a new expiry time, at most once a second.
 * When the request ends, the session is serialized only if something may have changed (an attribute
 * was set or removed, or a mutable value was read), and written only if the bytes differ from the
 * stored ones.
 *
 * <p><b>Concurrency.</b> Requests of one user in several workers at once: the last one to save wins for
 * the whole session, as with Tomcat's persistent managers. Invalidation, expiry and id changes are
 * atomic in the backend: exactly one worker ends a session and fires its listeners, and a save never
 * brings back a session that another worker ended or renamed.
 */
final class SharedSessionStore implements SessionStore {

    /** A use of the session is recorded at most this often: expiry counts in seconds, not milliseconds. */
    static final long TOUCH_GRANULARITY_MILLIS = 1000;
    /** How often a full store may be counted again, rather than estimated. */
    private static final long RECOUNT_MILLIS = 1000;
    /**
     * The sessions kept deserialized in a worker, by the size of their records: beyond it the least used
     * are read from the store again when their next request comes.
     */
    static final long MAX_CACHED_BYTES = 16L * 1024 * 1024;
    /** What a session weighs before it was ever written, and the least any does. */
    private static final int MIN_WEIGHT = 512;
    private static final int MAX_REPORTED = 1000;

    private final SessionBackend backend;
    private final SessionCodec codec;
    private final Context context;
    private final Logger log;
    private final int maxSessions;
    /** Sessions this worker deserialized or created, by id: used again while their revision is current. */
    private final Cache<String, SessionData> live;
    private final SplittableRandom revisions = new SplittableRandom(new SecureRandom().nextLong());
    private final Set<String> reportedCorrupt = ConcurrentHashMap.newKeySet();
    private final Set<String> reportedTooLarge = ConcurrentHashMap.newKeySet();
    private volatile int counted;
    private volatile long countedAt = Long.MIN_VALUE;
    private final AtomicInteger createdSinceCount = new AtomicInteger();

    SharedSessionStore(SessionBackend backend, SessionCodec codec, Context context, int maxSessions) {
        this.backend = backend;
        this.codec = codec;
        this.context = context;
        this.log = context.log();
        this.maxSessions = maxSessions;
        this.live = Caffeine.newBuilder()
                .maximumWeight(MAX_CACHED_BYTES)
                .weigher((String id, SessionData data) -> weight(data))
                .expireAfterAccess(Duration.ofHours(1))
                .executor(Runnable::run)
                .build();
    }

    @Override
    public boolean serializes() {
        return true;
    }

    @Override
    public SessionData load(String id) {
        if (!SessionIds.isWellFormed(id)) {
            return null;
        }
        SessionData cached = live.getIfPresent(id);
        if (cached != null && cached.revision() == 0 && cached.isValid()) {
            return cached; // created by this worker, not written yet: no one else knows it
        }
        long known = cached != null && cached.isValid() ? cached.revision() : 0;
        SessionBackend.Stored stored;
        try {
            stored = backend.read(id, known);
        } catch (SessionCodec.CorruptRecordException e) {
            reportCorrupt(id, e.getMessage());
            return null;
        }
        if (stored == null) {
            if (cached != null) {
                live.asMap().remove(id, cached);
            }
            return null;
        }
        if (stored.record() == null) {
            cached.storedExpiresAt(stored.expiresAt());
            cached.seenAccessedAt(SessionCodec.lastAccess(stored.expiresAt(), cached.maxInactiveSeconds()));
            return cached;
        }
        SessionData data;
        try {
            data = codec.decode(id, stored.record(), stored.expiresAt());
        } catch (SessionCodec.CorruptRecordException e) {
            reportCorrupt(id, e.getMessage());
            return null;
        }
        context.activation().didActivate(data);
        live.put(id, data);
        return data;
    }

    private static int weight(SessionData data) {
        byte[] payload = data.storedPayload();
        return Math.max(MIN_WEIGHT, payload == null ? 0 : payload.length);
    }

    private void reportCorrupt(String id, String detail) {
        if (reportedCorrupt.size() < MAX_REPORTED && reportedCorrupt.add(id)) {
            log.warn(SessionMessages.corruptRecord(context.appName(), id, backend.describe(), detail));
        }
    }

    @Override
    public void add(SessionData session) {
        if (counted + createdSinceCount.get() >= maxSessions || countedAt == Long.MIN_VALUE) {
            long now = System.nanoTime() / 1_000_000;
            if (countedAt == Long.MIN_VALUE || now - countedAt >= RECOUNT_MILLIS) {
                recount(backend.count(), now);
            }
            if (counted + createdSinceCount.get() >= maxSessions) {
                throw new IllegalStateException(SessionMessages.storeFull(backend.describe(),
                        counted + createdSinceCount.get(), maxSessions));
            }
        }
        createdSinceCount.incrementAndGet();
        live.put(session.id(), session);
    }

    private void recount(int count, long nowMillis) {
        counted = count;
        createdSinceCount.set(0);
        countedAt = nowMillis;
    }

    @Override
    public void accessed(SessionData session, long now) {
        if (session.revision() == 0) {
            return;
        }
        long expiresAt = SessionCodec.expiresAt(now, session.maxInactiveSeconds());
        if (expiresAt - session.storedExpiresAt() < TOUCH_GRANULARITY_MILLIS) {
            return;
        }
        backend.touch(session.id(), expiresAt, SessionCodec.lifetime(session.maxInactiveSeconds()));
        session.storedExpiresAt(expiresAt);
    }

    @Override
    public void save(SessionData session, long now, boolean changed) {
        if (!changed && session.revision() != 0) {
            accessed(session, now);
            return;
        }
        byte[] payload;
        context.activation().willPassivate(session);
        try {
            payload = codec.payload(session);
        } catch (SessionCodec.TooLargeException e) {
            session.markDirty();
            if (reportedTooLarge.size() < MAX_REPORTED && reportedTooLarge.add(session.id())) {
                log.error(e.getMessage()); // once per session: it fails again at every request until it shrinks
            }
            return;
        } finally {
            context.activation().didActivate(session); // the objects live on in this worker
        }
        if (session.revision() != 0 && Arrays.equals(payload, session.storedPayload())) {
            accessed(session, now);
            return;
        }
        long revision = nextRevision();
        long expiresAt = SessionCodec.expiresAt(now, session.maxInactiveSeconds());
        boolean written;
        try {
            written = backend.write(session.id(), SessionCodec.record(revision, payload), expiresAt,
                    SessionCodec.lifetime(session.maxInactiveSeconds()), session.revision() == 0);
        } catch (RuntimeException e) {
            session.markDirty();
            throw e;
        }
        if (written) {
            session.stored(revision, payload, expiresAt);
            live.put(session.id(), session);
        } else {
            live.asMap().remove(session.id(), session); // another worker ended it: it stays ended
        }
    }

    private long nextRevision() {
        synchronized (revisions) {
            long revision;
            do {
                revision = revisions.nextLong();
            } while (revision == 0);
            return revision;
        }
    }

    @Override
    public boolean claim(SessionData session) {
        if (!session.claim()) {
            return false;
        }
        live.asMap().remove(session.id(), session);
        if (session.revision() == 0) {
            return true; // never written: no other worker knows it
        }
        return backend.delete(session.id());
    }

    @Override
    public boolean changeId(SessionData session, String newId) {
        String oldId = session.id();
        if (session.revision() != 0 && !backend.rename(oldId, newId)) {
            return false;
        }
        live.asMap().remove(oldId, session);
        live.put(newId, session);
        return true;
    }

    @Override
    public List<SessionData> claimExpired(long now) {
        SessionBackend.Sweep sweep = backend.claimExpired(now);
        recount(sweep.remaining(), System.nanoTime() / 1_000_000);
        List<SessionData> expired = new ArrayList<>();
        for (SessionBackend.Claimed claimed : sweep.claimed()) {
            live.invalidate(claimed.id());
            if (claimed.record() == null) {
                continue;
            }
            try {
                SessionData data = codec.decode(claimed.id(), claimed.record(), claimed.expiresAt());
                context.activation().didActivate(data);
                data.claim();
                expired.add(data);
            } catch (SessionCodec.CorruptRecordException e) {
                reportCorrupt(claimed.id(), e.getMessage());
            }
        }
        return expired;
    }

    @Override
    public int size() {
        return counted + createdSinceCount.get();
    }

    @Override
    public String describe() {
        return backend.describe();
    }

    @Override
    public void close() {
        live.invalidateAll();
        backend.close();
    }
}
