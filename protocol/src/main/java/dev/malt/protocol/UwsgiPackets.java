package dev.malt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Encodes the packets a uwsgi server or client writes. */
public final class UwsgiPackets {

    private UwsgiPackets() {
    }

    /** The answer to a ping: modifier1 100, datasize 0, modifier2 1 ({@code 64 00 00 01}). */
    public static ByteBuf pong(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(4);
        out.writeByte(UwsgiDecoder.MODIFIER_PING).writeShortLE(0).writeByte(1);
        return out;
    }

    /** A ping as uWSGI's {@code --ping} sends it: {@code 64 00 00 00}. */
    public static ByteBuf ping(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(4);
        out.writeByte(UwsgiDecoder.MODIFIER_PING).writeShortLE(0).writeByte(0);
        return out;
    }

    /**
     * A request packet header and vars block, as nginx's {@code uwsgi_pass} sends it; the body, if any,
     * follows as plain bytes.
     *
     * @throws IllegalArgumentException if the vars block does not fit the u16 datasize
     */
    public static ByteBuf requestHead(ByteBufAllocator alloc, UwsgiVars vars) {
        int size = vars.encodedSize();
        if (size > 0xFFFF) {
            throw new IllegalArgumentException("vars block of " + size + " bytes does not fit a uwsgi packet (max 65535)");
        }
        ByteBuf out = alloc.buffer(4 + size);
        out.writeByte(UwsgiDecoder.MODIFIER_REQUEST).writeShortLE(size).writeByte(0);
        vars.encode(out);
        return out;
    }
}
