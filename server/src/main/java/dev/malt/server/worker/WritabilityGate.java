package dev.malt.server.worker;

import io.netty.channel.Channel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where app threads wait for a connection whose outbound buffer is full: a blocking writer sleeps until
 * the channel is writable again (at most {@code writeStallMillis}, then the connection is closed), a
 * non-blocking one leaves a callback. The event loop calls {@link #changed()} on every writability change.
 */
final class WritabilityGate {

    private final Channel channel;
    /** How long a write may wait for a stalled client before the app gets an IOException ({@code socket-timeout}). */
    private final long writeStallMillis;
    private final Object monitor = new Object();
    private final List<Runnable> whenWritable = new CopyOnWriteArrayList<>();

    WritabilityGate(Channel channel, long writeStallMillis) {
        this.channel = channel;
        this.writeStallMillis = writeStallMillis;
    }

    /** Whether a write now would be taken without waiting: the channel is writable, or gone (the write then fails). */
    boolean isReady() {
        return channel.isWritable() || !channel.isActive();
    }

    /** Runs {@code callback} once, when {@link #isReady()} is true: now, or after a writability change. */
    void whenReady(Runnable callback) {
        if (isReady()) {
            callback.run();
            return;
        }
        whenWritable.add(callback);
        if (isReady() && whenWritable.remove(callback)) {
            callback.run();
        }
    }

    /** On the event loop: writability changed or the channel closed. */
    void changed() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
        if (!whenWritable.isEmpty() && isReady()) {
            for (Runnable callback : whenWritable) {
                if (whenWritable.remove(callback)) {
                    callback.run();
                }
            }
        }
    }

    /** Blocks the app thread until the channel takes writes again; flushes first so the loop can drain. */
    void await() throws IOException {
        if (channel.isWritable()) {
            return;
        }
        channel.flush();
        long deadline = System.currentTimeMillis() + writeStallMillis;
        synchronized (monitor) {
            while (!channel.isWritable() && channel.isActive()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    channel.close();
                    throw new IOException("client did not read the response for "
                            + writeStallMillis / 1000 + " s (socket-timeout); connection closed");
                }
                try {
                    monitor.wait(Math.min(left, 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the client was slow to read");
                }
            }
        }
    }
}
