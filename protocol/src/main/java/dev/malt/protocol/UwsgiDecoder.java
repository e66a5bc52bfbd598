package dev.malt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.Arrays;
import java.util.List;

/**
 * Decodes one uwsgi request per connection into a {@link UwsgiRequest}, then the body as
 * {@link UwsgiContent} pieces (the last one flagged), or a {@link UwsgiPing}.
 *
 * <p>Wire format: a 4-byte header (modifier1 u8, datasize u16 little-endian, modifier2 u8), then a
 * vars block of datasize bytes made of pairs (key length u16 LE, key, value length u16 LE, value),
 * then CONTENT_LENGTH bytes of body.
 *
 * <p>The body is never accumulated: each read's bytes go out as they come, as retained slices, so a
 * handler that turns off auto-read gets back-pressure. The vars block is accumulated, bounded by
 * {@code maxVarsSize}.
 *
 * <p>On any error the decoder raises a {@link UwsgiProtocolException} (or a subtype) once and then
 * discards whatever else the connection sends, so the handler can still answer and close cleanly.
 */
public final class UwsgiDecoder extends ByteToMessageDecoder {

    /** modifier1 of a request packet. */
    public static final int MODIFIER_REQUEST = 0;
    /** modifier1 of a ping packet. */
    public static final int MODIFIER_PING = 100;

    /**
     * Default for {@code buffer-size}: the largest vars block the u16 datasize can describe. It holds
     * nginx's default of 4 x 8 KiB header buffers with room to spare; uWSGI's 4096 does not.
     */
    public static final int DEFAULT_MAX_VARS_SIZE = 65535;

    /** Default for {@code max-vars}: far above what browsers send, low enough to bound the index. */
    public static final int DEFAULT_MAX_VARS = 1000;

    private static final int HEADER_SIZE = 4;

    private enum State {
        /** Waiting for the 4-byte header. */
        READ_HEADER,
        /** Waiting for the whole vars block. */
        READ_VARS,
        /** Passing body bytes on until CONTENT_LENGTH is reached. */
        READ_BODY,
        /** The one request of this connection is complete; anything more is ignored. */
        DONE,
        /** An error or a ping ended decoding; everything else is dropped. */
        DISCARD
    }

    private final int maxVarsSize;
    private final int maxVars;

    private State state = State.READ_HEADER;
    private int modifier2;
    private int dataSize;
    private long contentLength;
    private long bodyRemaining;

    /** A decoder with {@link #DEFAULT_MAX_VARS_SIZE} and {@link #DEFAULT_MAX_VARS}. */
    public UwsgiDecoder() {
        this(DEFAULT_MAX_VARS_SIZE, DEFAULT_MAX_VARS);
    }

    /**
     * @param maxVarsSize largest vars block accepted, in bytes (1..65535); the {@code buffer-size} option
     * @param maxVars     most vars accepted in one request (at least 1); the {@code max-vars} option
     */
    public UwsgiDecoder(int maxVarsSize, int maxVars) {
        if (maxVarsSize < 1 || maxVarsSize > 0xFFFF) {
            throw new IllegalArgumentException("maxVarsSize must be 1..65535: " + maxVarsSize);
        }
        if (maxVars < 1) {
            throw new IllegalArgumentException("maxVars must be at least 1: " + maxVars);
        }
        this.maxVarsSize = maxVarsSize;
        this.maxVars = maxVars;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_HEADER:
                if (in.readableBytes() < HEADER_SIZE) {
                    return;
                }
                int modifier1 = in.readUnsignedByte();
                dataSize = in.readUnsignedShortLE();
                modifier2 = in.readUnsignedByte();
                if (modifier1 == MODIFIER_PING) {
                    discard(in);
                    out.add(new UwsgiPing(modifier2));
                    return;
                }
                if (modifier1 != MODIFIER_REQUEST) {
                    throw fail(in, new UwsgiUnsupportedModifierException(modifier1, modifier2));
                }
                if (dataSize == 0) {
                    throw fail(in, new UwsgiProtocolException(
                            "uwsgi request with datasize 0: a request packet must carry vars"));
                }
                if (dataSize > maxVarsSize) {
                    throw fail(in, new UwsgiTooLargeException(
                            UwsgiTooLargeException.Limit.VARS_BLOCK_SIZE, dataSize, maxVarsSize));
                }
                state = State.READ_VARS;
                // fall through
            case READ_VARS:
                if (in.readableBytes() < dataSize) {
                    return;
                }
                UwsgiVars vars = readVars(in);
                contentLength = parseContentLength(in, vars.get("CONTENT_LENGTH"));
                bodyRemaining = contentLength;
                out.add(new UwsgiRequest(MODIFIER_REQUEST, modifier2, vars, contentLength));
                if (bodyRemaining == 0) {
                    out.add(UwsgiContent.emptyLast());
                    state = State.DONE;
                    return;
                }
                state = State.READ_BODY;
                // fall through
            case READ_BODY:
                int available = (int) Math.min(in.readableBytes(), bodyRemaining);
                if (available == 0) {
                    return;
                }
                bodyRemaining -= available;
                boolean last = bodyRemaining == 0;
                out.add(new UwsgiContent(in.readRetainedSlice(available), last));
                if (last) {
                    state = State.DONE;
                }
                return;
            case DONE:
            case DISCARD:
                discard(in);
                return;
            default:
                throw new IllegalStateException("unexpected state " + state);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (in.isReadable()) {
            super.decodeLast(ctx, in, out);
        }
        switch (state) {
            case READ_HEADER:
                // A connection closed before it sent anything (a health check, a port scan) is not an error.
                if (in.isReadable()) {
                    throw fail(in, new UwsgiProtocolException("uwsgi connection closed inside the 4-byte header after "
                            + in.readableBytes() + " bytes"));
                }
                return;
            case READ_VARS:
                throw fail(in, new UwsgiProtocolException("uwsgi connection closed after " + in.readableBytes()
                        + " of " + dataSize + " vars bytes: truncated vars block"));
            case READ_BODY:
                throw fail(in, new UwsgiProtocolException("uwsgi connection closed after "
                        + (contentLength - bodyRemaining) + " of " + contentLength + " body bytes"));
            default:
                return;
        }
    }

    private UwsgiVars readVars(ByteBuf in) {
        byte[] block = new byte[dataSize];
        in.readBytes(block);
        // Four ints per pair. A frontend's pair takes some 30 bytes on average (nginx: about 25 vars in 800
        // bytes), so this guess rarely grows and does not allocate for the 5-byte worst case up front.
        int[] index = new int[Math.min(64, dataSize / 24 + 8) * 4];
        int count = 0;
        int pos = 0;
        while (pos < dataSize) {
            if (count == maxVars) {
                throw fail(in, new UwsgiTooLargeException(UwsgiTooLargeException.Limit.VARS_COUNT, count + 1L, maxVars));
            }
            if (dataSize - pos < 2) {
                throw fail(in, malformed("key length", pos, "is cut off at the end of the block"));
            }
            int keyLength = u16(block, pos);
            pos += 2;
            if (keyLength == 0) {
                throw fail(in, malformed("key", pos - 2, "has length 0"));
            }
            if (keyLength > dataSize - pos) {
                throw fail(in, malformed("key of " + keyLength + " bytes", pos - 2, "overruns the block"));
            }
            int keyOffset = pos;
            pos += keyLength;
            if (dataSize - pos < 2) {
                throw fail(in, malformed("value length of key '" + latin1(block, keyOffset, keyLength) + "'", pos,
                        "is cut off at the end of the block"));
            }
            int valueLength = u16(block, pos);
            pos += 2;
            if (valueLength > dataSize - pos) {
                throw fail(in, malformed("value of key '" + latin1(block, keyOffset, keyLength) + "' ("
                        + valueLength + " bytes)", pos - 2, "overruns the block"));
            }
            if ((count + 1) * 4 > index.length) {
                index = Arrays.copyOf(index, index.length * 2);
            }
            int slot = count * 4;
            index[slot] = keyOffset;
            index[slot + 1] = keyLength;
            index[slot + 2] = pos;
            index[slot + 3] = valueLength;
            pos += valueLength;
            count++;
        }
        return UwsgiVars.wrap(block, index, count);
    }

    private UwsgiProtocolException malformed(String what, int offset, String problem) {
        return new UwsgiProtocolException("malformed uwsgi vars block: " + what + " at offset " + offset + " "
                + problem + " (datasize " + dataSize + ")");
    }

    private long parseContentLength(ByteBuf in, String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        if (value.length() > 18) {
            throw fail(in, new UwsgiProtocolException("CONTENT_LENGTH '" + value + "' is too long to be a length"));
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw fail(in, new UwsgiProtocolException("CONTENT_LENGTH '" + value + "' is not a number"));
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    /** Switches to discarding and hands back the exception for the caller to throw. */
    private <E extends UwsgiProtocolException> E fail(ByteBuf in, E error) {
        discard(in);
        return error;
    }

    private void discard(ByteBuf in) {
        state = State.DISCARD;
        in.skipBytes(in.readableBytes());
    }

    private static int u16(byte[] block, int pos) {
        return (block[pos] & 0xFF) | (block[pos + 1] & 0xFF) << 8;
    }

    private static String latin1(byte[] block, int offset, int length) {
        return new String(block, offset, Math.min(length, 64), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
