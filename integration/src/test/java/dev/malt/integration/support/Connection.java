package dev.malt.integration.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A blocking client connection to an {@link Endpoint}, TCP or unix, with one deadline for the whole
 * exchange: when it passes, the channel is closed and the blocked read or write fails with a message
 * saying so. (Unix socket channels have no SO_TIMEOUT, hence the watchdog.)
 */
public final class Connection implements AutoCloseable {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "connection-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Endpoint endpoint;
    private final Duration timeout;
    private final SocketChannel channel;
    private final ScheduledFuture<?> deadline;
    private final AtomicBoolean expired = new AtomicBoolean();
    private final InputStream in;
    private final OutputStream out;

    private Connection(Endpoint endpoint, Duration timeout) throws IOException {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.channel = endpoint.isUnix() ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        this.deadline = WATCHDOG.schedule(() -> {
            expired.set(true);
            closeQuietly();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            channel.connect(endpoint.address());
        } catch (IOException e) {
            close();
            throw rethrow(e, "connect");
        }
        InputStream raw = Channels.newInputStream(channel);
        OutputStream rawOut = Channels.newOutputStream(channel);
        this.in = new BufferedInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return raw.read(b, off, len);
                } catch (IOException e) {
                    throw rethrow(e, "read");
                }
            }
        }, 65536);
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    rawOut.write(b, off, len);
                } catch (IOException e) {
                    throw rethrow(e, "write");
                }
            }
        };
    }

    public static Connection open(Endpoint endpoint, Duration timeout) throws IOException {
        return new Connection(endpoint, timeout);
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    private IOException rethrow(IOException e, String what) {
        if (expired.get() && (e instanceof AsynchronousCloseException || e instanceof ClosedChannelException)) {
            return new IOException(what + " on " + endpoint + " timed out: no answer within " + timeout.toMillis() + " ms", e);
        }
        return new IOException(what + " on " + endpoint + " failed: " + e, e);
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        deadline.cancel(false);
        closeQuietly();
    }
}
