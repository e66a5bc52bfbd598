package dev.malt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Feeds bytes to a {@link UwsgiDecoder} in an EmbeddedChannel and collects what comes out, releasing it. */
final class DecodeResult {

    final List<UwsgiRequest> requests = new ArrayList<>();
    final List<UwsgiPing> pings = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final List<Throwable> errors = new ArrayList<>();
    int contentMessages;
    int lastMessages;

    static DecodeResult feed(UwsgiDecoder decoder, byte[] packet, int... splitPoints) {
        return feed(decoder, packet, true, splitPoints);
    }

    /**
     * @param close       whether the peer closes its side after the last byte
     * @param splitPoints offsets at which the input is cut into separate reads
     */
    static DecodeResult feed(UwsgiDecoder decoder, byte[] packet, boolean close, int... splitPoints) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        DecodeResult result = new DecodeResult();
        int start = 0;
        for (int i = 0; i <= splitPoints.length; i++) {
            int end = i < splitPoints.length ? splitPoints[i] : packet.length;
            if (end > start) {
                ByteBuf chunk = channel.alloc().buffer(end - start).writeBytes(packet, start, end - start);
                result.write(channel, chunk);
            }
            start = end;
        }
        if (close) {
            try {
                channel.finish();
            } catch (RuntimeException e) {
                result.errors.add(e);
            }
        }
        result.drain(channel);
        channel.finishAndReleaseAll();
        return result;
    }

    static DecodeResult feedByteByByte(UwsgiDecoder decoder, byte[] packet) {
        int[] splits = new int[Math.max(0, packet.length - 1)];
        for (int i = 0; i < splits.length; i++) {
            splits[i] = i + 1;
        }
        return feed(decoder, packet, splits);
    }

    private void write(EmbeddedChannel channel, ByteBuf chunk) {
        assertEquals(1, chunk.refCnt());
        try {
            channel.writeInbound(chunk);
        } catch (RuntimeException e) {
            errors.add(e);
        }
        // The decoder must have taken ownership: the cumulation may still hold it, never more.
        assertTrue(chunk.refCnt() <= 1, "decoder retained an input buffer twice");
        drain(channel);
    }

    private void drain(EmbeddedChannel channel) {
        for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
            if (msg instanceof UwsgiRequest request) {
                requests.add(request);
            } else if (msg instanceof UwsgiPing ping) {
                pings.add(ping);
            } else if (msg instanceof UwsgiContent content) {
                contentMessages++;
                if (content.isLast()) {
                    lastMessages++;
                }
                ByteBuf buf = content.content();
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                body.writeBytes(bytes);
                assertEquals(1, content.refCnt(), "the receiver holds the only reference to a body piece");
                boolean freed = content.release();
                assertTrue(freed || bytes.length == 0, "a body piece is freed by its receiver's one release");
            } else {
                throw new AssertionError("unexpected message " + msg);
            }
        }
    }

    UwsgiRequest onlyRequest() {
        assertEquals(List.of(), errors, "no decoder errors expected");
        assertEquals(1, requests.size(), "exactly one request");
        assertEquals(1, lastMessages, "exactly one last body piece");
        return requests.get(0);
    }

    <T extends Throwable> T onlyError(Class<T> type) {
        assertEquals(1, errors.size(), () -> "exactly one error expected, got " + errors);
        Throwable error = errors.get(0);
        assertTrue(type.isInstance(error), () -> "expected " + type.getSimpleName() + " but got " + error);
        return type.cast(error);
    }

    static ByteBuf wrap(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }
}
