package dev.malt.server.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stored response: what the app sent (status, reason, headers, body) and when the master stored it. The
 * encoding is what the store keeps and what a hit carries to a worker; it is the same in memory and in Redis, so
 * hosts sharing a Redis read each other's entries.
 *
 * <pre>
 * byte   FORMAT
 * long   storedAtMillis, expiresAtMillis (epoch)
 * int    status; string reason (length -1: none)
 * int    header count; (string name, string value)...
 * int    body length; body
 * </pre>
 * Strings are an int length and UTF-8 bytes.
 */
record CachedResponse(long storedAtMillis, long expiresAtMillis, int status, String reason,
                      List<Map.Entry<String, String>> headers, byte[] body) {

    static final byte FORMAT = 1;
    /** Bytes before the status: format, stored at, expires at. */
    static final int STAMP_BYTES = 1 + 8 + 8;

    CachedResponse {
        headers = List.copyOf(headers);
    }

    /** The stored value: a stamp, then the response as the worker sent it in its STORE. */
    static byte[] stamp(long storedAtMillis, long expiresAtMillis, ByteBuf response) {
        byte[] value = new byte[STAMP_BYTES + response.readableBytes()];
        ByteBuf out = Unpooled.wrappedBuffer(value).writerIndex(0);
        out.writeByte(FORMAT).writeLong(storedAtMillis).writeLong(expiresAtMillis);
        out.writeBytes(response);
        return value;
    }

    /** When a stored value stops being fresh; {@code Long.MIN_VALUE} for bytes in an unknown format. */
    static long expiresAt(byte[] value) {
        if (value.length < STAMP_BYTES || value[0] != FORMAT) {
            return Long.MIN_VALUE;
        }
        return Unpooled.wrappedBuffer(value).getLong(9);
    }

    /** Writes the response part (everything after the stamp), as a worker's STORE carries it. */
    static void writeResponse(ByteBuf out, int status, String reason, List<Map.Entry<String, String>> headers,
                              byte[] body, int bodyLength) {
        out.writeInt(status);
        Wire.writeString(out, reason);
        out.writeInt(headers.size());
        for (Map.Entry<String, String> header : headers) {
            Wire.writeString(out, header.getKey());
            Wire.writeString(out, header.getValue() == null ? "" : header.getValue());
        }
        out.writeInt(bodyLength);
        out.writeBytes(body, 0, bodyLength);
    }

    /** Reads a stored value. */
    static CachedResponse decode(ByteBuf in) {
        if (in.readByte() != FORMAT) {
            throw new IllegalArgumentException("a cache entry in an unknown format");
        }
        long stored = in.readLong();
        long expires = in.readLong();
        int status = in.readInt();
        String reason = Wire.readString(in);
        int count = Wire.readCount(in, 8);
        List<Map.Entry<String, String>> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            headers.add(Map.entry(Wire.readString(in), Wire.readString(in)));
        }
        int length = Wire.readCount(in, 1);
        byte[] body = new byte[length];
        in.readBytes(body);
        return new CachedResponse(stored, expires, status, reason, headers, body);
    }

    static CachedResponse decode(byte[] value) {
        return decode(Unpooled.wrappedBuffer(value));
    }

    /** The entry's age in whole seconds at {@code nowMillis}, never negative (clocks of two hosts may differ). */
    long ageSeconds(long nowMillis) {
        return Math.max(0, (nowMillis - storedAtMillis) / 1000);
    }

    /** The first value of a header, by case-insensitive name, or null. */
    String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
