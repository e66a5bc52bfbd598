package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.GatewayExchange;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request body as the app reads it. Reads block (blocking servlet I/O) unless the app set a
 * {@link ReadListener} on an async request; then {@link #isReady()} says whether a read would block,
 * and the container calls {@code onDataAvailable} / {@code onAllDataRead} when that changes. An
 * IOException from the transport means the frontend went away and surfaces as
 * {@link ClientAbortException}. Closing it does not touch the transport: the transport owns the connection.
 */
public final class RequestBodyStream extends ServletInputStream {

    private static final int IDLE = 0;
    private static final int PROBING = 1;
    private static final int WAITING = 2;

    private final GatewayExchange exchange;
    private final InputStream body;
    private final long contentLength;
    private final MaltHttpRequest request;
    private long read;
    private boolean eof;
    private boolean closed;
    private ReadListener listener;
    private boolean allDataReadCalled;
    /** One byte read ahead while checking for the end of the body, or -1. */
    private int pushBack = -1;
    /** IDLE, PROBING (isReady asks the transport now) or WAITING (a callback is owed). */
    private final AtomicInteger probe = new AtomicInteger(IDLE);
    private volatile boolean readableDuringProbe;

    RequestBodyStream(GatewayExchange exchange, long contentLength, MaltHttpRequest request) {
        this.exchange = exchange;
        this.body = exchange.body();
        this.contentLength = contentLength;
        this.request = request;
        this.eof = contentLength == 0;
    }

    @Override
    public int read() throws IOException {
        checkOpen();
        if (pushBack >= 0) {
            int b = pushBack;
            pushBack = -1;
            return b;
        }
        if (eof) {
            return -1;
        }
        int b;
        try {
            b = body.read();
        } catch (IOException e) {
            throw new ClientAbortException(e);
        }
        count(b < 0 ? -1 : 1);
        return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        checkOpen();
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        if (pushBack >= 0) {
            bytes[offset] = (byte) pushBack;
            pushBack = -1;
            return 1;
        }
        if (eof) {
            return -1;
        }
        int n;
        try {
            n = body.read(bytes, offset, length);
        } catch (IOException e) {
            throw new ClientAbortException(e);
        }
        count(n);
        return n;
    }

    @Override
    public int available() throws IOException {
        if (pushBack >= 0) {
            return 1;
        }
        if (closed || eof) {
            return 0;
        }
        try {
            return body.available();
        } catch (IOException e) {
            throw new ClientAbortException(e);
        }
    }

    private void count(int n) {
        if (n < 0) {
            eof = true;
        } else {
            read += n;
            if (contentLength >= 0 && read >= contentLength) {
                eof = true;
            }
        }
    }

    @Override
    public boolean isFinished() {
        return eof && pushBack < 0;
    }

    @Override
    public boolean isReady() {
        if (listener == null || eof || closed || pushBack >= 0) {
            return true;
        }
        try {
            if (body.available() > 0) {
                return true;
            }
        } catch (IOException e) {
            return true; // the read reports the failure
        }
        if (!probe.compareAndSet(IDLE, PROBING)) {
            return false; // a callback is already owed
        }
        readableDuringProbe = false;
        exchange.whenBodyReadable(this::readable);
        if (readableDuringProbe) {
            probe.set(IDLE);
            return true;
        }
        if (probe.compareAndSet(PROBING, WAITING)) {
            return false;
        }
        probe.set(IDLE); // became readable between the two steps
        return true;
    }

    /** From the transport, on any thread: the body can be read now. */
    private void readable() {
        if (probe.get() == PROBING) {
            readableDuringProbe = true;
            if (!probe.compareAndSet(PROBING, IDLE)) {
                deliver();
            }
            return;
        }
        deliver();
    }

    private void deliver() {
        if (probe.compareAndSet(WAITING, IDLE)) {
            request.asyncMachine().callListener(this::notifyListener, listener::onError);
        }
    }

    private void notifyListener() throws IOException {
        if (isFinished() || available() == 0 && probeEnded()) {
            allDataRead();
            return;
        }
        listener.onDataAvailable();
        afterCallback();
    }

    /** True when the transport says the body is readable and has nothing left: its end. */
    private boolean probeEnded() throws IOException {
        if (body.available() > 0) {
            return false;
        }
        int b;
        try {
            b = body.read(); // does not block: the transport said it is readable
        } catch (IOException e) {
            throw new ClientAbortException(e);
        }
        if (b < 0) {
            eof = true;
            return true;
        }
        pushBack = b;
        count(1);
        return false;
    }

    private void afterCallback() throws IOException {
        if (isFinished()) {
            allDataRead();
        } else {
            isReady(); // owes the app an onDataAvailable once more bytes come, if none wait now
        }
    }

    private void allDataRead() throws IOException {
        if (!allDataReadCalled) {
            allDataReadCalled = true;
            listener.onAllDataRead();
        }
    }

    @Override
    public void setReadListener(ReadListener readListener) {
        if (readListener == null) {
            throw new NullPointerException(ServletMessages.listenerNull("ReadListener"));
        }
        if (listener != null) {
            throw new IllegalStateException(ServletMessages.listenerAlreadySet("ReadListener"));
        }
        if (!request.isAsyncStarted()) {
            throw new IllegalStateException(ServletMessages.nonBlockingNeedsAsync("setReadListener"));
        }
        listener = readListener;
        request.asyncMachine().callListener(() -> {
            if (isReady()) {
                notifyListener();
            }
        }, listener::onError);
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException(ServletMessages.inputStreamClosed());
        }
    }
}
