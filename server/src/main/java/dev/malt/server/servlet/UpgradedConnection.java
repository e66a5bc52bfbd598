package dev.malt.server.servlet;

import java.io.IOException;
import java.io.InputStream;

/**
 * A connection that has stopped speaking HTTP after a 101 response: raw bytes both ways, for an
 * {@code HttpUpgradeHandler}. The transport implements it (only the HTTP socket can upgrade); the servlet
 * layer is its only user. Callbacks may run on an event loop and must only hand off.
 *
 * <p>Reads: {@link #input()} yields what the peer sends, blocking while nothing has arrived, and -1 once
 * the peer has shut its side. The transport stops reading the socket while unread bytes pile up, so a
 * handler that does not read costs a bounded buffer, never unbounded memory.
 *
 * <p>Writes come from one app thread at a time. They block while the peer is slower than the app,
 * unless {@link #setNonBlocking()} was called; then the caller asks {@link #isReady()} first.
 */
public interface UpgradedConnection {

    /** The bytes the peer sends after the 101 response. An IOException means the connection broke. */
    InputStream input();

    /** Whether a read from {@link #input()} would return at once: bytes wait, the input ended, or it failed. */
    boolean inputReadable();

    /** Whether the peer shut its side and every byte it sent has been read. */
    boolean inputFinished();

    /** Runs {@code callback} once, as soon as {@link #inputReadable()} is true (at once when it is now). */
    void whenInputReadable(Runnable callback);

    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Pushes written bytes to the peer now. */
    void flush() throws IOException;

    /** From now on writes never wait for the peer; the caller asks {@link #isReady()} before each write. */
    void setNonBlocking();

    /** Whether a write now would be taken without waiting for the peer. */
    boolean isReady();

    /** Runs {@code callback} once, when {@link #isReady()} becomes true (at once when it is now). */
    void whenReady(Runnable callback);

    /** Sends what was written, then closes the connection. Idempotent. */
    void close();

    /** Runs {@code callback} once, when the connection has closed, whichever side closed it. */
    void whenClosed(Runnable callback);

    /**
     * The servlet layer is done with the connection: its handler's {@code destroy()} has returned. A
     * stopping worker waits for this, so no handler is left undestroyed.
     */
    void release();
}
