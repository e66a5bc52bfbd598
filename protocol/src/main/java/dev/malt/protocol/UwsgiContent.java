package dev.malt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;

/**
 * A piece of a request body, exactly as it arrived. The receiver owns it and must release it.
 * The last piece of every request has {@link #isLast()} set; its content may be empty.
 */
public final class UwsgiContent extends DefaultByteBufHolder {

    private final boolean last;

    public UwsgiContent(ByteBuf content, boolean last) {
        super(content);
        this.last = last;
    }

    /** An empty, last piece: the end of a request without a body. */
    public static UwsgiContent emptyLast() {
        return new UwsgiContent(Unpooled.EMPTY_BUFFER, true);
    }

    public boolean isLast() {
        return last;
    }

    @Override
    public UwsgiContent replace(ByteBuf content) {
        return new UwsgiContent(content, last);
    }

    @Override
    public UwsgiContent retain() {
        super.retain();
        return this;
    }

    @Override
    public UwsgiContent retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public UwsgiContent touch() {
        super.touch();
        return this;
    }

    @Override
    public UwsgiContent touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "UwsgiContent{bytes=" + content().readableBytes() + ", last=" + last + '}';
    }
}
