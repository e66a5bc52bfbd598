package dev.malt.server.cache;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;

import java.nio.charset.StandardCharsets;

/** Strings and counts on the cache protocol and in stored values: lengths are checked against what is left. */
final class Wire {

    private Wire() {
    }

    /** An int length and UTF-8 bytes; -1 for null. */
    static void writeString(ByteBuf out, String value) {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        int at = out.writerIndex();
        out.writeInt(0);
        int length = out.writeCharSequence(value, StandardCharsets.UTF_8);
        out.setInt(at, length);
    }

    static String readString(ByteBuf in) {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.readableBytes()) {
            throw new CorruptedFrameException("a string of " + length + " bytes where " + in.readableBytes()
                    + " are left");
        }
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    /** A count of items of at least {@code minBytes} each, checked against the bytes left. */
    static int readCount(ByteBuf in, int minBytes) {
        int count = in.readInt();
        if (count < 0 || (long) count * minBytes > in.readableBytes()) {
            throw new CorruptedFrameException("a count of " + count + " where " + in.readableBytes()
                    + " bytes are left");
        }
        return count;
    }
}
