package dev.malt.server.servlet.session;

import java.util.List;

/**
 * Storage for {@link SharedSessionStore}: records (bytes in {@link SessionCodec}'s format) by session id,
 * each with an expiry time. Every operation that ends or moves a session is atomic in the backend, so
 * that of several workers doing it at once exactly one succeeds.
 *
 * <p>Failures to reach the storage are {@link dev.malt.server.servlet.core.SessionStoreException}s.
 */
interface SessionBackend extends AutoCloseable {

    /** A record as read: {@code record} is null when it still had the revision the reader knew. */
    record Stored(byte[] record, long expiresAt) {
    }

    /** A session this worker claimed as expired; {@code record} is null when it could not be read. */
    record Claimed(String id, byte[] record, long expiresAt) {
    }

    /** What a sweep claimed, and how many sessions are left. */
    record Sweep(List<Claimed> claimed, int remaining) {
    }

    /**
     * The record of {@code id}, or null when there is none.
     *
     * @param knownRevision the revision the caller already holds (0: none); when the stored one is the
     *                      same, the record is not read again
     */
    Stored read(String id, long knownRevision) throws SessionCodec.CorruptRecordException;

    /** Records that the session was used: it now expires at {@code expiresAt}. A missing session is left missing. */
    void touch(String id, long expiresAt, long lifetimeMillis);

    /**
     * Writes a record atomically: readers see the old one or the new one, never a mix.
     *
     * @param create true for a session never written before; false writes only over an existing record, so
     *               that a session another worker ended or renamed meanwhile does not come back
     * @return false when the session was gone
     */
    boolean write(String id, byte[] record, long expiresAt, long lifetimeMillis, boolean create);

    /** Removes the record; true for the one caller that removed it. */
    boolean delete(String id);

    /** Moves a record to a new id; false when the old one is gone. */
    boolean rename(String oldId, String newId);

    /** Claims (removes and returns) every record that expired at {@code now}. */
    Sweep claimExpired(long now);

    /** How many sessions it holds. */
    int count();

    String describe();

    @Override
    void close();
}
