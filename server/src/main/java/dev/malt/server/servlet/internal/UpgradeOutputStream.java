package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.UpgradedConnection;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Raw bytes to the peer of an upgraded connection. Writes block while the peer is slow, unless a
 * {@link WriteListener} is set: then they never wait, {@link #isReady()} says when the peer is behind,
 * and {@code onWritePossible} follows once it caught up. Closing the stream closes the connection.
 */
final class UpgradeOutputStream extends ServletOutputStream {

    private final MaltWebConnection owner;
    private final UpgradedConnection connection;
    private final byte[] one = new byte[1];
    private WriteListener listener;
    /** isReady() said no (or the listener is new): exactly one onWritePossible is owed. */
    private final AtomicBoolean owed = new AtomicBoolean();
    private volatile boolean closed;

    UpgradeOutputStream(MaltWebConnection owner, UpgradedConnection connection) {
        this.owner = owner;
        this.connection = connection;
    }

    @Override
    public void write(int b) throws IOException {
        one[0] = (byte) b;
        write(one, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (closed) {
            throw new IOException(ServletMessages.upgradedStreamClosed("output"));
        }
        if (listener != null && !connection.isReady()) {
            throw new IllegalStateException(ServletMessages.writeWhileNotReady());
        }
        connection.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        if (closed) {
            throw new IOException(ServletMessages.upgradedStreamClosed("output"));
        }
        connection.flush();
    }

    /** Sends what was written and closes the connection (the handler's destroy() follows). */
    @Override
    public void close() {
        if (!closed) {
            owner.close();
        }
    }

    /** The connection was closed through the WebConnection. */
    void markClosed() {
        closed = true;
    }

    @Override
    public boolean isReady() {
        if (closed || connection.isReady()) {
            return true; // after close, a write fails at once rather than waiting
        }
        if (listener != null && owed.compareAndSet(false, true)) {
            connection.whenReady(this::writePossible);
        }
        return false;
    }

    @Override
    public void setWriteListener(WriteListener writeListener) {
        if (writeListener == null) {
            throw new NullPointerException(ServletMessages.listenerNull("WriteListener"));
        }
        if (listener != null) {
            throw new IllegalStateException(ServletMessages.listenerAlreadySet("WriteListener"));
        }
        listener = writeListener;
        connection.setNonBlocking();
        owed.set(true);
        connection.whenReady(this::writePossible); // the first onWritePossible, once writes are possible
    }

    private void writePossible() {
        owner.callback("onWritePossible", () -> {
            if (owed.compareAndSet(true, false) && !closed) {
                listener.onWritePossible();
            }
        }, listener::onError);
    }
}
