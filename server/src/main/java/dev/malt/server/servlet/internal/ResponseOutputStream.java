package dev.malt.server.servlet.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The app's byte view of the response body: a thin layer over {@link ResponseOutput}. With a
 * {@link WriteListener} (async requests only), writes stop waiting for a slow client; the app asks
 * {@link #isReady()} instead, and the container calls {@code onWritePossible} when it may write again.
 */
final class ResponseOutputStream extends ServletOutputStream {

    private final ResponseOutput output;
    private final MaltHttpRequest request;
    private final byte[] one = new byte[1];
    private WriteListener listener;
    /** isReady() said no: exactly one onWritePossible is owed. */
    private final AtomicBoolean owed = new AtomicBoolean();

    ResponseOutputStream(ResponseOutput output, MaltHttpRequest request) {
        this.output = output;
        this.request = request;
    }

    @Override
    public void write(int b) throws IOException {
        one[0] = (byte) b;
        output.write(one, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        output.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        output.flush();
    }

    @Override
    public void close() throws IOException {
        output.close();
    }

    @Override
    public boolean isReady() {
        if (listener == null) {
            return true; // blocking I/O: a write may block, but is always allowed
        }
        if (output.isClosed() || output.channel().isReady()) {
            return true;
        }
        if (owed.compareAndSet(false, true)) {
            output.channel().whenReady(this::writePossible);
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
        if (request == null || !request.isAsyncStarted()) {
            throw new IllegalStateException(ServletMessages.nonBlockingNeedsAsync("setWriteListener"));
        }
        listener = writeListener;
        output.channel().setNonBlocking();
        owed.set(true);
        request.asyncMachine().callListener(() -> {
            owed.set(false);
            listener.onWritePossible();
        }, listener::onError);
    }

    private void writePossible() {
        request.asyncMachine().callListener(() -> {
            if (owed.compareAndSet(true, false)) {
                listener.onWritePossible();
            }
        }, listener::onError);
    }
}
