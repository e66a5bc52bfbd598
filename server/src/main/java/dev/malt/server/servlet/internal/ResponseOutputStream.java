package dev.malt.server.servlet.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;

/** The app's byte view of the response body: a thin layer over {@link ResponseOutput}. */
final class ResponseOutputStream extends ServletOutputStream {

    private final ResponseOutput output;
    private final byte[] one = new byte[1];

    ResponseOutputStream(ResponseOutput output) {
        this.output = output;
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
        return true; // blocking I/O: a write may block, but is always allowed
    }

    @Override
    public void setWriteListener(WriteListener listener) {
        throw new IllegalStateException(ServletMessages.asyncNotSupported("setWriteListener"));
    }
}
