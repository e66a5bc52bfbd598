package dev.malt.server.worker;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * The request body as the app reads it: pieces handed over by the event loop, read by an app thread.
 *
 * <p>Back-pressure: the event loop asks the socket for more only while fewer than {@code highWater}
 * bytes wait here. When the app drains below {@code lowWater} after the loop stopped asking, the
 * {@code demand} callback asks again. So a slow app keeps at most about {@code highWater} bytes of a
 * body in memory, whatever its size.
 */
final class RequestBody extends InputStream {

    static final int DEFAULT_HIGH_WATER = 128 * 1024;

    private final int highWater;
    private final int lowWater;
    private final Runnable demand;

    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private int queuedBytes;
    private boolean ended;
    private boolean stalled;
    private boolean discarding;
    private boolean closed;
    private IOException failure;
    /** Owed a call when the body becomes readable without blocking (non-blocking reads). */
    private Runnable readable;

    /**
     * @param demand runs when the reader wants more; it must only schedule a read on the event loop
     */
    RequestBody(int highWater, Runnable demand) {
        this.highWater = highWater;
        this.lowWater = highWater / 4;
        this.demand = demand;
    }

    // ---- event loop side ----------------------------------------------------------------------

    /**
     * Takes ownership of {@code piece}. Returns whether the loop should read more from the socket now;
     * if not, the reader calls {@code demand} once it has drained the queue.
     */
    boolean offer(ByteBuf piece, boolean last) {
        boolean more;
        Runnable wake;
        synchronized (this) {
            more = offerLocked(piece, last);
            wake = takeReadableLocked();
        }
        if (wake != null) {
            wake.run();
        }
        return more;
    }

    private boolean offerLocked(ByteBuf piece, boolean last) {
        if (last) {
            ended = true;
        }
        if (discarding || closed || failure != null) {
            piece.release();
        } else if (piece.isReadable()) {
            queue.add(piece);
            queuedBytes += piece.readableBytes();
        } else {
            piece.release();
        }
        notifyAll();
        if (ended) {
            return false;
        }
        if (queuedBytes >= highWater) {
            stalled = true;
            return false;
        }
        return true;
    }

    /** The connection broke before the body ended: readers get {@code error}. */
    void fail(IOException error) {
        Runnable wake;
        synchronized (this) {
            if (!ended && failure == null) {
                failure = error;
                releaseQueued();
                notifyAll();
            }
            wake = takeReadableLocked();
        }
        if (wake != null) {
            wake.run();
        }
    }

    /** Runs {@code callback} once a read would not block: now, or when bytes, the end or a failure arrive. */
    void whenReadable(Runnable callback) {
        synchronized (this) {
            if (queue.isEmpty() && !ended && failure == null && !closed) {
                readable = callback;
                return;
            }
        }
        callback.run();
    }

    private Runnable takeReadableLocked() {
        if (readable == null || (queue.isEmpty() && !ended && failure == null)) {
            return null;
        }
        Runnable wake = readable;
        readable = null;
        return wake;
    }

    /** Whether every body byte has arrived from the peer. */
    synchronized boolean isComplete() {
        return ended;
    }

    /** Whether a read would return at once: bytes wait, or the body ended, failed or was closed. */
    synchronized boolean readableNow() {
        return !queue.isEmpty() || ended || failure != null || closed;
    }

    /** Whether the body ended and every byte of it has been read. */
    synchronized boolean drained() {
        return ended && queue.isEmpty();
    }

    /**
     * Drops what is queued and whatever else arrives; used when the response is done and the app did
     * not read the whole body. Returns whether the loop must keep reading to reach the body's end.
     */
    synchronized boolean discardRest() {
        discarding = true;
        releaseQueued();
        stalled = false;
        return !ended && failure == null;
    }

    // ---- app side -----------------------------------------------------------------------------

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        boolean wantMore;
        int n;
        synchronized (this) {
            while (queue.isEmpty()) {
                if (closed) {
                    throw new IOException("request body stream is closed");
                }
                if (failure != null) {
                    throw failure;
                }
                if (ended) {
                    return -1;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the request body");
                }
            }
            n = 0;
            while (n < len && !queue.isEmpty()) {
                ByteBuf head = queue.peek();
                int chunk = Math.min(len - n, head.readableBytes());
                head.readBytes(b, off + n, chunk);
                n += chunk;
                if (!head.isReadable()) {
                    queue.poll().release();
                }
            }
            queuedBytes -= n;
            wantMore = stalled && queuedBytes <= lowWater;
            if (wantMore) {
                stalled = false;
            }
        }
        if (wantMore) {
            demand.run();
        }
        return n;
    }

    @Override
    public synchronized int available() {
        return queuedBytes;
    }

    @Override
    public synchronized void close() {
        closed = true;
        releaseQueued();
    }

    private void releaseQueued() {
        for (ByteBuf piece; (piece = queue.poll()) != null; ) {
            piece.release();
        }
        queuedBytes = 0;
    }
}
