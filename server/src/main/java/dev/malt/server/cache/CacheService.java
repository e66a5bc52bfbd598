package dev.malt.server.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The master's side of the cache: answers lookups from the store and makes concurrent misses of one key wait for
 * a single request that fills it, across every worker of the app (and, with a shared store, across hosts).
 *
 * <p><b>Coalescing.</b> A lookup that misses becomes the <em>leader</em> of its key (LEAD). Lookups of the same key
 * that come while it runs wait here, each for at most {@code cache-lock-timeout}, and the waiters count is capped
 * by {@code cache-max-waiters}. Then:
 * <ul>
 *   <li>the leader STOREs: the entry becomes visible and every waiter looks again, finding it (a waiter whose
 *       {@code Vary} headers select another variant misses and leads that variant);</li>
 *   <li>the leader's response must not be stored (a cookie, {@code private}, a status not allowed): every waiter
 *       goes to the app uncached at once (PASS), since promoting them one by one would serialize them behind each
 *       other's run; for {@value #UNCACHEABLE_MEMORY_MILLIS} ms after, lookups of that key lead without a lock
 *       (nobody waits for a response that was not storable, Varnish's "hit-for-miss"), yet may still store;</li>
 *   <li>the leader fails (its client left, the app failed, its worker died and its connection closed): the first
 *       waiter is promoted to leader, as its own response may well be storable;</li>
 *   <li>the leader holds the key longer than {@code cache-lock-timeout}: the first waiter is promoted too, so a
 *       hung request cannot block a key; the old leader may still store;</li>
 *   <li>a waiter's own time runs out: it goes to the app uncached (PASS), as nginx's {@code proxy_cache_lock}.</li>
 * </ul>
 *
 * <p><b>Shared stores.</b> With Redis, a leader also holds a lock in Redis ({@code SET NX PX}, a random token,
 * released only by its holder). Lookups that find another host's lock wait here and poll it every
 * {@value #POLL_MILLIS} ms; once they can take it, they read the entry again (the other host stored, then released)
 * or, when there is none, their first waiter leads.
 *
 * <p>Every method runs on one thread, {@code loop}; store futures hop back to it. The counters may be read from
 * anywhere.
 */
final class CacheService {

    private static final Logger LOG = LoggerFactory.getLogger(CacheService.class);

    /** How often {@link #tick} runs: waiters' deadlines and lock polls are this precise. */
    static final long TICK_MILLIS = 50;
    /** How often a request waiting on another host's lock asks Redis again. */
    static final long POLL_MILLIS = 50;
    /** How long a key whose response was not storable is filled without a lock. */
    static final long UNCACHEABLE_MEMORY_MILLIS = 10_000;
    /** At most this many keys are remembered as not storable; the oldest are forgotten first. */
    static final int MAX_UNCACHEABLE_KEYS = 10_000;
    /** At most this many requests lead at once; more go uncached. */
    static final int MAX_TICKETS = 100_000;

    /** Where answers go: one worker connection. */
    interface Peer {
        void hit(int id, byte[] value);

        void lead(int id);

        void pass(int id);
    }

    /** A LOOKUP: who asked, and what a Vary may select on. */
    static final class Lookup {
        final Peer peer;
        final int id;
        final String resource;
        final Map<String, String> headers;
        long deadline;

        Lookup(Peer peer, int id, String resource, Map<String, String> headers) {
            this.peer = peer;
            this.id = id;
            this.resource = resource;
            this.headers = headers;
        }
    }

    /** A LEAD given out: what its STORE needs, and the lock it holds (null: a lead without a lock). */
    private static final class Ticket {
        final Lookup lookup;
        final String lockKey;
        final Lock lock;

        Ticket(Lookup lookup, String lockKey, Lock lock) {
            this.lookup = lookup;
            this.lockKey = lockKey;
            this.lock = lock;
        }
    }

    /** One key being filled: its leader (or another host's, when {@code remote}), and who waits. */
    private static final class Lock {
        final String key;
        final ArrayDeque<Lookup> waiters = new ArrayDeque<>();
        Ticket leader;
        /** A tryLock on the shared store is under way. */
        boolean acquiring;
        /** Another host holds the key in the shared store; waiters poll. */
        boolean remote;
        /** Our token in the shared store, while we hold the key there. */
        String token;
        long expiresAt;
        long nextPoll;

        Lock(String key) {
            this.key = key;
        }
    }

    private record Found(byte[] value, String lockKey) {
    }

    private final CacheSettings.Store settings;
    private final CacheStore store;
    private final CacheClock clock;
    private final Executor loop;
    private final BooleanSupplier inLoop;
    private final long lockTimeoutNanos;
    private final boolean sharedLocks;

    private final Map<String, Lock> locks = new HashMap<>();
    private final Map<Peer, Map<Integer, Ticket>> tickets = new IdentityHashMap<>();
    /** Keys whose last response was not storable, to the monotonic time they stop being remembered. */
    private final LinkedHashMap<String, Long> uncacheable = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_UNCACHEABLE_KEYS;
        }
    };
    private int ticketCount;
    private int waiterCount;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder passes = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private long lastErrorLog = Long.MIN_VALUE;

    /**
     * @param loop   the one thread everything runs on
     * @param inLoop whether the caller is on it (then a completed store future continues at once)
     */
    CacheService(CacheSettings.Store settings, CacheStore store, CacheClock clock, Executor loop,
                 BooleanSupplier inLoop) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.loop = loop;
        this.inLoop = inLoop;
        this.lockTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.lockTimeoutMillis());
        this.sharedLocks = store.shared() && settings.lockTimeoutMillis() > 0;
    }

    // ---- requests from workers -----------------------------------------------------------------

    void lookup(Lookup lookup) {
        read(lookup, (found, error) -> {
            if (error != null) {
                storeFailed("read", error);
                pass(lookup);
            } else if (found.value() != null) {
                hit(lookup, found.value());
            } else {
                join(lookup, found.lockKey());
            }
        });
    }

    /**
     * A leader's response. {@code response} is the response part of a stored value (see {@link CachedResponse});
     * this method does not keep it beyond the call.
     */
    void store(Peer peer, int id, long ttlMillis, List<String> vary, ByteBuf response) {
        Ticket ticket = removeTicket(peer, id);
        if (ticket == null) {
            return; // a lead already given up (the worker timed out, or its connection changed)
        }
        if (ttlMillis <= 0 || vary.contains("*")
                || CachedResponse.STAMP_BYTES + response.readableBytes() > settings.maxItemBytes()) {
            settle(ticket, CacheProtocol.UNCACHEABLE);
            return;
        }
        long now = clock.millis();
        long expires = now + ttlMillis;
        byte[] value = CachedResponse.stamp(now, expires, response);
        Lookup lookup = ticket.lookup;
        String key = CacheKeys.entryKey(lookup.resource, vary, lookup.headers);
        CompletableFuture<Void> entry = store.put(key, value, ttlMillis);
        CompletableFuture<Void> spec = store.put(CacheKeys.varyKey(lookup.resource), encodeVary(now, expires, vary),
                ttlMillis);
        onLoop(CompletableFuture.allOf(entry, spec), (ignored, error) -> {
            if (error != null) {
                storeFailed("write", error);
                settle(ticket, CacheProtocol.UNCACHEABLE);
                return;
            }
            stores.increment();
            settle(ticket, STORED);
        });
    }

    void abandon(Peer peer, int id, byte reason) {
        Ticket ticket = removeTicket(peer, id);
        if (ticket != null) {
            settle(ticket, reason == CacheProtocol.UNCACHEABLE ? CacheProtocol.UNCACHEABLE : CacheProtocol.FAILED);
        }
    }

    /** A worker's connection ended (it exited, or was killed): its waiters leave, its leads fail. */
    void disconnected(Peer peer) {
        for (Lock lock : new ArrayList<>(locks.values())) {
            for (Iterator<Lookup> waiting = lock.waiters.iterator(); waiting.hasNext(); ) {
                if (waiting.next().peer == peer) {
                    waiting.remove();
                    waiterCount--;
                }
            }
        }
        Map<Integer, Ticket> leads = tickets.remove(peer);
        if (leads != null) {
            ticketCount -= leads.size();
            for (Ticket ticket : leads.values()) {
                settle(ticket, CacheProtocol.FAILED);
            }
        }
    }

    /** Every {@link #TICK_MILLIS}: deadlines of waiters and leaders, and polls of other hosts' locks. */
    void tick() {
        long now = clock.nanos();
        for (Lock lock : new ArrayList<>(locks.values())) {
            if (locks.get(lock.key) != lock) {
                continue;
            }
            for (Iterator<Lookup> waiting = lock.waiters.iterator(); waiting.hasNext(); ) {
                Lookup lookup = waiting.next();
                if (now - lookup.deadline >= 0) {
                    waiting.remove();
                    waiterCount--;
                    pass(lookup);
                }
            }
            if (lock.leader != null && now - lock.expiresAt >= 0) {
                leaderExpired(lock);
            } else if (lock.remote && !lock.acquiring && now - lock.nextPoll >= 0) {
                poll(lock);
            }
            if (lock.leader == null && !lock.acquiring && lock.waiters.isEmpty() && locks.get(lock.key) == lock) {
                dropLock(lock, false);
            }
        }
        for (Iterator<Long> until = uncacheable.values().iterator(); until.hasNext(); ) {
            if (now - until.next() < 0) {
                break; // kept in the order remembered, all for the same time
            }
            until.remove();
        }
    }

    /** This service is replaced or the master stops: waiters go uncached, leads are forgotten, the store closes. */
    void shutdown() {
        for (Lock lock : new ArrayList<>(locks.values())) {
            passAll(lock);
            dropLock(lock, false);
        }
        tickets.clear();
        ticketCount = 0;
        store.close();
    }

    /** Removes every entry under {@code uriPrefix} ("" for all); completes with how many went. */
    CompletableFuture<Long> purge(String uriPrefix) {
        uncacheable.keySet().removeIf(key -> key.startsWith(uriPrefix));
        return store.purge(uriPrefix);
    }

    /** Requests waiting now (for tests and stats). */
    int waiting() {
        return waiterCount;
    }

    /** Keys being filled now. */
    int filling() {
        return locks.size();
    }

    CompletableFuture<CacheStats> stats(String backend) {
        return store.usage().thenApply(usage -> new CacheStats(backend, hits.sum(), misses.sum(), passes.sum(),
                stores.sum(), coalesced.sum(), usage.evictions(), usage.items(), usage.bytes(), errors.sum()));
    }

    // ---- reading -------------------------------------------------------------------------------

    /**
     * Reads the entry for a lookup: the vary spec and the entry without variants at once (most resources do not
     * vary: one round trip), then the variant the spec names. Also says which key a miss locks: the variant once
     * the spec is known, else the resource.
     */
    private void read(Lookup lookup, java.util.function.BiConsumer<Found, Throwable> then) {
        String plainKey = CacheKeys.entryKey(lookup.resource, List.of(), lookup.headers);
        CompletableFuture<byte[]> spec = store.get(CacheKeys.varyKey(lookup.resource));
        CompletableFuture<byte[]> plain = store.get(plainKey);
        onLoop(CompletableFuture.allOf(spec, plain), (ignored, error) -> {
            if (error != null) {
                then.accept(null, error);
                return;
            }
            byte[] specValue = fresh(spec.join());
            List<String> vary = specValue == null ? List.of() : decodeVary(specValue);
            if (vary.isEmpty()) {
                then.accept(new Found(fresh(plain.join()), specValue == null ? lookup.resource : plainKey), null);
                return;
            }
            String key = CacheKeys.entryKey(lookup.resource, vary, lookup.headers);
            onLoop(store.get(key), (value, readError) -> then.accept(
                    readError == null ? new Found(fresh(value), key) : null, readError));
        });
    }

    private byte[] fresh(byte[] value) {
        return value != null && CachedResponse.expiresAt(value) > clock.millis() ? value : null;
    }

    // ---- locks ---------------------------------------------------------------------------------

    private void join(Lookup lookup, String lockKey) {
        long now = clock.nanos();
        Long forgetAt = uncacheable.get(lockKey);
        if (forgetAt != null) {
            if (now - forgetAt < 0) {
                leadWithoutLock(lookup, lockKey);
                return;
            }
            uncacheable.remove(lockKey);
        }
        Lock lock = locks.get(lockKey);
        if (lock == null) {
            if (ticketCount >= MAX_TICKETS) {
                pass(lookup);
                return;
            }
            lock = new Lock(lockKey);
            locks.put(lockKey, lock);
            if (sharedLocks) {
                enqueue(lock, lookup, now);
                acquire(lock);
            } else {
                lead(lock, lookup, now);
            }
            return;
        }
        if (lockTimeoutNanos == 0 || waiterCount >= settings.maxWaiters()) {
            pass(lookup);
            return;
        }
        enqueue(lock, lookup, now);
        coalesced.increment();
    }

    private void enqueue(Lock lock, Lookup lookup, long now) {
        lookup.deadline = now + lockTimeoutNanos;
        lock.waiters.add(lookup);
        waiterCount++;
    }

    private void lead(Lock lock, Lookup lookup, long now) {
        Ticket ticket = new Ticket(lookup, lock.key, lock);
        lock.leader = ticket;
        lock.expiresAt = now + lockTimeoutNanos;
        addTicket(ticket);
        misses.increment();
        lookup.peer.lead(lookup.id);
    }

    private void leadWithoutLock(Lookup lookup, String lockKey) {
        if (ticketCount >= MAX_TICKETS) {
            pass(lookup);
            return;
        }
        addTicket(new Ticket(lookup, lockKey, null));
        misses.increment();
        lookup.peer.lead(lookup.id);
    }

    /** Takes the key in the shared store for this lock's first waiter. */
    private void acquire(Lock lock) {
        String token = UUID.randomUUID().toString();
        lock.acquiring = true;
        onLoop(store.tryLock(lock.key, token, settings.lockTimeoutMillis()), (taken, error) -> {
            lock.acquiring = false;
            if (locks.get(lock.key) != lock) {
                if (Boolean.TRUE.equals(taken)) {
                    store.unlock(lock.key, token);
                }
                return;
            }
            if (error != null) {
                storeFailed("lock", error);
                passAll(lock);
                dropLock(lock, false);
            } else if (taken) {
                lock.token = token;
                promote(lock);
            } else {
                lock.remote = true;
                lock.nextPoll = clock.nanos() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
            }
        });
    }

    /** Another host holds the key: try to take it; once ours, the entry may be there, else we fill it. */
    private void poll(Lock lock) {
        String token = UUID.randomUUID().toString();
        lock.acquiring = true;
        onLoop(store.tryLock(lock.key, token, settings.lockTimeoutMillis()), (taken, error) -> {
            lock.acquiring = false;
            if (locks.get(lock.key) != lock) {
                if (Boolean.TRUE.equals(taken)) {
                    store.unlock(lock.key, token);
                }
                return;
            }
            if (error != null || !taken) {
                if (error != null) {
                    storeFailed("lock", error);
                }
                lock.nextPoll = clock.nanos() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
                return;
            }
            lock.remote = false;
            lock.token = token;
            Lookup first = lock.waiters.peek();
            if (first == null) {
                dropLock(lock, false);
                return;
            }
            lock.acquiring = true;
            read(first, (found, readError) -> {
                lock.acquiring = false;
                if (locks.get(lock.key) != lock) {
                    return;
                }
                if (readError == null && found.value() != null) {
                    dropLock(lock, true);
                } else {
                    promote(lock);
                }
            });
        });
    }

    /** The first waiter leads; without waiters the lock goes. */
    private void promote(Lock lock) {
        Lookup next = lock.waiters.poll();
        if (next == null) {
            dropLock(lock, false);
            return;
        }
        waiterCount--;
        lead(lock, next, clock.nanos());
    }

    private void leaderExpired(Lock lock) {
        lock.leader = null;
        if (lock.token != null) {
            // our hold on the shared key ended with its PX at about the same time: take it again before leading
            lock.token = null;
            lock.remote = true;
            lock.nextPoll = clock.nanos();
            if (lock.waiters.isEmpty()) {
                dropLock(lock, false);
            }
            return;
        }
        promote(lock);
    }

    private static final byte STORED = 2;

    /** A lead ended: stored, not storable, or failed. */
    private void settle(Ticket ticket, byte outcome) {
        Lock lock = ticket.lock;
        boolean current = lock != null && locks.get(lock.key) == lock && lock.leader == ticket;
        if (outcome == STORED) {
            uncacheable.remove(ticket.lockKey);
            Lock waiting = locks.get(ticket.lockKey);
            if (current) {
                dropLock(lock, true);
            } else if (waiting != null) {
                wake(waiting);
            }
            return;
        }
        if (!current) {
            return;
        }
        lock.leader = null;
        if (outcome == CacheProtocol.UNCACHEABLE) {
            uncacheable.remove(lock.key); // to the end: the map stays in expiry order
            uncacheable.put(lock.key, clock.nanos() + TimeUnit.MILLISECONDS.toNanos(UNCACHEABLE_MEMORY_MILLIS));
            passAll(lock);
            dropLock(lock, false);
        } else {
            promote(lock);
        }
    }

    /** Removes the lock (releasing the shared key); with {@code wake}, its waiters look again. */
    private void dropLock(Lock lock, boolean wake) {
        if (locks.get(lock.key) == lock) {
            locks.remove(lock.key);
        }
        if (lock.token != null) {
            store.unlock(lock.key, lock.token);
            lock.token = null;
        }
        if (wake) {
            wake(lock);
        }
    }

    /** Every waiter of the lock looks again: it finds the entry just stored, or leads its own variant. */
    private void wake(Lock lock) {
        List<Lookup> woken = new ArrayList<>(lock.waiters);
        waiterCount -= woken.size();
        lock.waiters.clear();
        for (Lookup lookup : woken) {
            lookup(lookup);
        }
    }

    private void passAll(Lock lock) {
        for (Lookup lookup : lock.waiters) {
            pass(lookup);
        }
        waiterCount -= lock.waiters.size();
        lock.waiters.clear();
    }

    // ---- answers and bookkeeping ---------------------------------------------------------------

    private void hit(Lookup lookup, byte[] value) {
        hits.increment();
        lookup.peer.hit(lookup.id, value);
    }

    private void pass(Lookup lookup) {
        passes.increment();
        lookup.peer.pass(lookup.id);
    }

    private void addTicket(Ticket ticket) {
        tickets.computeIfAbsent(ticket.lookup.peer, p -> new HashMap<>()).put(ticket.lookup.id, ticket);
        ticketCount++;
    }

    private Ticket removeTicket(Peer peer, int id) {
        Map<Integer, Ticket> leads = tickets.get(peer);
        Ticket ticket = leads == null ? null : leads.remove(id);
        if (ticket != null) {
            ticketCount--;
            if (leads.isEmpty()) {
                tickets.remove(peer);
            }
        }
        return ticket;
    }

    private <T> void onLoop(CompletableFuture<T> future, java.util.function.BiConsumer<T, Throwable> then) {
        if (future.isDone() && inLoop.getAsBoolean()) {
            T value = null;
            Throwable error = null;
            try {
                value = future.join();
            } catch (RuntimeException e) {
                error = e.getCause() != null ? e.getCause() : e;
            }
            then.accept(value, error);
        } else {
            future.whenCompleteAsync(then, loop);
        }
    }

    private void storeFailed(String what, Throwable error) {
        errors.increment();
        long now = clock.nanos();
        if (lastErrorLog == Long.MIN_VALUE || now - lastErrorLog > TimeUnit.MINUTES.toNanos(1)) {
            lastErrorLog = now;
            LOG.warn("the response cache could not {} {} ({}); requests go to the app uncached meanwhile (logged at"
                    + " most once a minute)", what, store, error.getMessage());
        }
    }

    // ---- vary specs ----------------------------------------------------------------------------

    static byte[] encodeVary(long storedAt, long expiresAt, List<String> names) {
        ByteBuf payload = Unpooled.buffer();
        payload.writeInt(names.size());
        for (String name : names) {
            Wire.writeString(payload, name);
        }
        return CachedResponse.stamp(storedAt, expiresAt, payload);
    }

    static List<String> decodeVary(byte[] value) {
        ByteBuf in = Unpooled.wrappedBuffer(value).skipBytes(CachedResponse.STAMP_BYTES);
        int count = Wire.readCount(in, 4);
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(Wire.readString(in));
        }
        return names;
    }
}
