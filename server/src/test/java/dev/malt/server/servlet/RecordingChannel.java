package dev.malt.server.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An in-memory {@link ResponseChannel} standing in for the Netty transport. It records what the
 * servlet layer did, in order, and fails the test on contract violations (a second head, body before
 * head, framing headers in the list, writes after the end).
 */
final class RecordingChannel implements ResponseChannel {

    final List<String> events = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    int status = -1;
    List<Map.Entry<String, String>> headers;
    long contentLength = Long.MIN_VALUE;
    boolean finished;
    Throwable aborted;
    /** Fail writes once this many body bytes went through (a client that goes away); -1 never. */
    long failAfterBytes = -1;
    /** In non-blocking mode, stop being ready once this many body bytes went through; -1 never. */
    long notReadyAfterBytes = -1;
    boolean nonBlocking;
    private boolean ready = true;
    private Runnable whenReady;

    @Override
    public void writeHead(int status, String reason, List<Map.Entry<String, String>> headers, long contentLength)
            throws IOException {
        check(this.status == -1, "writeHead called twice");
        check(!finished && aborted == null, "writeHead after the end");
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey();
            check(!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")
                    && !name.equalsIgnoreCase("Connection"), "framing header in the list: " + name);
            check(header.getValue().indexOf('\r') < 0 && header.getValue().indexOf('\n') < 0,
                    "CR/LF in header value: " + header);
        }
        this.status = status;
        this.headers = List.copyOf(headers);
        this.contentLength = contentLength;
        events.add("head " + status + " " + contentLength);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        check(status != -1, "write before writeHead");
        check(!finished && aborted == null, "write after the end");
        if (failAfterBytes >= 0 && body.size() + length > failAfterBytes) {
            throw new IOException("Broken pipe");
        }
        body.write(bytes, offset, length);
        events.add("write " + length);
        if (nonBlocking && notReadyAfterBytes >= 0 && body.size() >= notReadyAfterBytes) {
            synchronized (this) {
                ready = false; // as a socket whose send buffer filled up
            }
        }
    }

    @Override
    public synchronized void setNonBlocking() {
        nonBlocking = true;
    }

    @Override
    public synchronized boolean isReady() {
        return ready;
    }

    @Override
    public void whenReady(Runnable callback) {
        synchronized (this) {
            if (!ready) {
                whenReady = callback;
                return;
            }
        }
        callback.run();
    }

    /** The peer took the bytes: writes are ready again, and a waiting callback runs (on this thread). */
    void becomeReady() {
        Runnable callback;
        synchronized (this) {
            ready = true;
            notReadyAfterBytes = -1;
            callback = whenReady;
            whenReady = null;
        }
        if (callback != null) {
            callback.run();
        }
    }

    @Override
    public void flush() {
        events.add("flush");
    }

    @Override
    public synchronized void finish() {
        check(status != -1, "finish before writeHead");
        if (finished || aborted != null) {
            return;
        }
        finished = true;
        events.add("finish");
        notifyAll();
    }

    @Override
    public synchronized void abort(Throwable cause) {
        if (finished || aborted != null) {
            return;
        }
        aborted = cause;
        events.add("abort");
        notifyAll();
    }

    /** Waits for the end of an async response (finish or abort); false if it did not come within 30 s. */
    synchronized boolean awaitFinished() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!finished && aborted == null) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public boolean isHeadWritten() {
        return status != -1;
    }

    String bodyText() {
        return body.toString(StandardCharsets.UTF_8);
    }

    /** The first value of a header, case-insensitive, or null. */
    String header(String name) {
        List<String> all = headers(name);
        return all.isEmpty() ? null : all.get(0);
    }

    List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                values.add(header.getValue());
            }
        }
        return values;
    }

    private static void check(boolean condition, String violation) {
        if (!condition) {
            throw new AssertionError("ResponseChannel contract violated: " + violation);
        }
    }
}
