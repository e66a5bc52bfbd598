package dev.malt.server.servlet.internal;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * The request body as the app reads it. Reads block (blocking servlet I/O); an IOException from the
 * transport means the frontend went away and surfaces as {@link ClientAbortException}. Closing it
 * does not touch the transport's stream: the transport owns the connection.
 */
final class RequestBodyStream extends ServletInputStream {

    private final InputStream body;
    private final long contentLength;
    private long read;
    private boolean eof;
    private boolean closed;

    RequestBodyStream(InputStream body, long contentLength) {
        this.body = body;
        this.contentLength = contentLength;
        this.eof = contentLength == 0;
    }

    @Override
    public int read() throws IOException {
        checkOpen();
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
        return eof;
    }

    @Override
    public boolean isReady() {
        return true; // blocking I/O: a read may block, but is always allowed
    }

    @Override
    public void setReadListener(ReadListener listener) {
        throw new IllegalStateException(ServletMessages.asyncNotSupported("setReadListener"));
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
