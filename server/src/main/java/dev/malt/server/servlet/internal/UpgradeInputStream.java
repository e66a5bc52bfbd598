package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.UpgradedConnection;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the peer sends on an upgraded connection, for the {@code HttpUpgradeHandler}. Reads block until
 * bytes come, unless a {@link ReadListener} is set: then {@link #isReady()} tells whether a read would
 * block, and after it said no, {@code onDataAvailable} follows once bytes arrive; {@code onAllDataRead}
 * follows once the peer shut its side and every byte was read. No async request is needed here.
 */
final class UpgradeInputStream extends ServletInputStream {

    private final MaltWebConnection owner;
    private final UpgradedConnection connection;
    private ReadListener listener;
    /** The transport owes a call when the input becomes readable. */
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile boolean allDataReadCalled;
    private volatile boolean closed;

    UpgradeInputStream(MaltWebConnection owner, UpgradedConnection connection) {
        this.owner = owner;
        this.connection = connection;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (closed) {
            throw new IOException(ServletMessages.upgradedStreamClosed("input"));
        }
        if (length == 0) {
            return 0;
        }
        if (listener != null && !connection.inputReadable()) {
            throw new IllegalStateException(ServletMessages.readWhileNotReady());
        }
        return connection.input().read(bytes, offset, length);
    }

    @Override
    public int available() throws IOException {
        return closed ? 0 : connection.input().available();
    }

    @Override
    public boolean isFinished() {
        return connection.inputFinished();
    }

    @Override
    public boolean isReady() {
        if (closed) {
            return false;
        }
        if (connection.inputReadable()) {
            return true;
        }
        if (listener != null) {
            arm();
        }
        return false;
    }

    @Override
    public void setReadListener(ReadListener readListener) {
        if (readListener == null) {
            throw new NullPointerException(ServletMessages.listenerNull("ReadListener"));
        }
        if (listener != null) {
            throw new IllegalStateException(ServletMessages.listenerAlreadySet("ReadListener"));
        }
        listener = readListener;
        arm(); // the first onDataAvailable comes as soon as a read is possible
    }

    private void arm() {
        if (armed.compareAndSet(false, true)) {
            connection.whenInputReadable(() -> owner.callback("onDataAvailable", this::deliver, listener::onError));
        }
    }

    /** On an app thread, in the connection's order: the input became readable. */
    private void deliver() throws IOException {
        armed.set(false);
        if (closed || owner.isClosing()) {
            return;
        }
        if (connection.inputFinished()) {
            allDataRead();
            return;
        }
        if (connection.input().available() == 0) {
            // readable with nothing queued and not ended: the connection broke; the read says how
            connection.input().read(new byte[1], 0, 1);
        }
        listener.onDataAvailable();
        if (connection.inputFinished()) {
            allDataRead();
        }
    }

    private void allDataRead() throws IOException {
        if (!allDataReadCalled) {
            allDataReadCalled = true;
            listener.onAllDataRead();
        }
    }

    /** Stops reading for the handler: what is queued and what still arrives is dropped. */
    @Override
    public void close() throws IOException {
        closed = true;
        connection.input().close();
    }
}
