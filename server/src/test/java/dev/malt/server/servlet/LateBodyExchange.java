package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A {@link GatewayExchange} whose body arrives later, piece by piece, as from a slow client: the test
 * {@link #feed}s bytes and {@link #end}s the body; {@link #whenBodyReadable} waits for that, like the
 * Netty transport waits for the socket.
 */
final class LateBodyExchange implements GatewayExchange {

    final RecordingChannel channel = new RecordingChannel();
    private final UwsgiVars vars;
    private final LateBody body = new LateBody();
    private Runnable readable;

    LateBodyExchange(UwsgiVars vars) {
        this.vars = vars;
    }

    @Override
    public UwsgiVars vars() {
        return vars;
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public ResponseChannel response() {
        return channel;
    }

    @Override
    public void whenBodyReadable(Runnable callback) {
        synchronized (body) {
            if (body.pending.length == 0 && !body.ended) {
                readable = callback;
                return;
            }
        }
        callback.run();
    }

    /** More bytes came; a waiting callback runs on this thread, as the transport's would on its event loop. */
    void feed(byte[] bytes) {
        Runnable callback;
        synchronized (body) {
            byte[] more = new byte[body.pending.length + bytes.length];
            System.arraycopy(body.pending, 0, more, 0, body.pending.length);
            System.arraycopy(bytes, 0, more, body.pending.length, bytes.length);
            body.pending = more;
            body.notifyAll();
            callback = readable;
            readable = null;
        }
        if (callback != null) {
            callback.run();
        }
    }

    void end() {
        Runnable callback;
        synchronized (body) {
            body.ended = true;
            body.notifyAll();
            callback = readable;
            readable = null;
        }
        if (callback != null) {
            callback.run();
        }
    }

    private static final class LateBody extends InputStream {

        private byte[] pending = new byte[0];
        private boolean ended;

        @Override
        public synchronized int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pending.length == 0 && !ended) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
            if (pending.length == 0) {
                return -1;
            }
            int n = Math.min(len, pending.length);
            System.arraycopy(pending, 0, b, off, n);
            byte[] rest = new byte[pending.length - n];
            System.arraycopy(pending, n, rest, 0, rest.length);
            pending = rest;
            return n;
        }

        @Override
        public synchronized int available() {
            return pending.length;
        }
    }
}
