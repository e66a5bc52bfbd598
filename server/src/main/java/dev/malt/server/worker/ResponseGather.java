package dev.malt.server.worker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.io.IOException;

/**
 * The app thread's side of a response's bytes: head and body collect in one pooled buffer, which goes to the event
 * loop when more would take it past {@link #LIMIT}, or at a flush or the end. Every hand-off is a task for the loop and
 * often a wake-up, so a small response (head and body) goes out in one. A blocking writer then waits while the
 * connection is not writable, so a slow client costs a thread, never unbounded memory. App thread only.
 */
final class ResponseGather {

    /** Bytes gathered before they are handed to the event loop. */
    static final int LIMIT = 16 * 1024;

    private final Channel channel;
    private final WritabilityGate writability;
    private ByteBuf gathered;

    ResponseGather(Channel channel, WritabilityGate writability) {
        this.channel = channel;
        this.writability = writability;
    }

    /**
     * The buffer to append {@code bytes} more to. What is gathered goes to the loop first when the new bytes would
     * take it past {@link #LIMIT}; a blocking writer then waits until the socket takes more. A new buffer is sized
     * to what is known to come (the head and a small body, or one large write), so bytes are copied once.
     */
    ByteBuf reserve(int bytes, boolean nonBlocking) throws IOException {
        if (gathered != null && gathered.isReadable() && gathered.readableBytes() + bytes > LIMIT) {
            channel.write(take());
            if (nonBlocking) {
                channel.flush();
            } else {
                writability.await();
            }
        }
        if (gathered == null) {
            gathered = channel.alloc().buffer(bytes >= LIMIT ? bytes : Math.max(bytes, 256));
        }
        return gathered;
    }

    /** Hands whatever is gathered to the loop (without flushing): before a file region, or at a flush. */
    void handOff() {
        if (gathered != null) {
            channel.write(take());
        }
    }

    /** The last bytes of the response, with {@code suffix} (the last chunk) appended; never null. */
    ByteBuf takeTail(byte[] suffix) {
        ByteBuf tail = gathered != null ? take() : Unpooled.EMPTY_BUFFER;
        if (suffix != null) {
            tail = tail.isReadable() ? tail.writeBytes(suffix) : Unpooled.wrappedBuffer(suffix);
        }
        return tail;
    }

    /** The response was aborted: nothing gathered goes out. */
    void discard() {
        if (gathered != null) {
            take().release();
        }
    }

    private ByteBuf take() {
        ByteBuf out = gathered;
        gathered = null;
        return out;
    }
}
