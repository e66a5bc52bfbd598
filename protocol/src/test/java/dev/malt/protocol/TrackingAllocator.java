package dev.malt.protocol;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hands out unpooled buffers and remembers each, so a test can check that every one of them was
 * released: an exact leak check for one input, cheap enough for a million of them (Netty's PARANOID
 * detector takes a stack trace per buffer and reports only after a GC). Not thread-safe: one channel.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

    /** Without Netty's leak detector: this class does that job. */
    private static final UnpooledByteBufAllocator PLAIN = new UnpooledByteBufAllocator(false, true);

    private final List<ByteBuf> handedOut = new ArrayList<>();

    public TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = PLAIN.heapBuffer(initialCapacity, maxCapacity);
        handedOut.add(buf);
        return buf;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = PLAIN.directBuffer(initialCapacity, maxCapacity);
        handedOut.add(buf);
        return buf;
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        CompositeByteBuf buf = new CompositeByteBuf(this, false, maxNumComponents);
        handedOut.add(buf);
        return buf;
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        CompositeByteBuf buf = new CompositeByteBuf(this, true, maxNumComponents);
        handedOut.add(buf);
        return buf;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Fails, naming {@code input}, if a buffer handed out is still referenced; then forgets them all. */
    public void assertAllReleased(Object input) {
        int leaked = 0;
        for (ByteBuf buf : handedOut) {
            if (buf.refCnt() != 0) {
                leaked++;
                buf.release(buf.refCnt());
            }
        }
        int total = handedOut.size();
        handedOut.clear();
        if (leaked > 0) {
            fail(leaked + " of " + total + " buffers were never released after " + input);
        }
    }
}
