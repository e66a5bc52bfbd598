package dev.malt.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The vars block of one uwsgi packet: an ordered list of key/value pairs, duplicates included.
 *
 * <p>nginx forwards a repeated request header as repeated {@code HTTP_*} keys, so nothing here is
 * collapsed. Strings are decoded as ISO-8859-1, which maps every byte to one char; the raw bytes stay
 * available through {@link #rawValue(int)}. The block is copied once into a heap array so that no
 * {@code ByteBuf} outlives the decoder call that produced it.
 */
public final class UwsgiVars {

    private static final int KEY_OFFSET = 0;
    private static final int KEY_LENGTH = 1;
    private static final int VALUE_OFFSET = 2;
    private static final int VALUE_LENGTH = 3;
    private static final int SLOTS = 4;

    private final byte[] block;
    /** For pair i: key offset, key length, value offset, value length at [4i .. 4i+3]. */
    private final int[] index;
    private final int size;
    /** Decoded on first use and kept: the servlet layer asks for the same few vars several times a request. */
    private final String[] names;
    private final String[] values;

    private UwsgiVars(byte[] block, int[] index, int size) {
        this.block = block;
        this.index = index;
        this.size = size;
        this.names = new String[size];
        this.values = new String[size];
    }

    /** An empty block. */
    public static UwsgiVars empty() {
        return new UwsgiVars(new byte[0], new int[0], 0);
    }

    /** A builder for vars that did not come off the wire (the HTTP socket, tests, clients). */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of pairs, duplicates counted. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The key of pair {@code i}. */
    public String name(int i) {
        checkIndex(i);
        String name = names[i];
        if (name == null) {
            name = latin1(index[i * SLOTS + KEY_OFFSET], index[i * SLOTS + KEY_LENGTH]);
            names[i] = name;
        }
        return name;
    }

    /** The value of pair {@code i}, decoded as ISO-8859-1. */
    public String value(int i) {
        checkIndex(i);
        String value = values[i];
        if (value == null) {
            value = latin1(index[i * SLOTS + VALUE_OFFSET], index[i * SLOTS + VALUE_LENGTH]);
            values[i] = value;
        }
        return value;
    }

    /** The value of pair {@code i} as the frontend sent it. */
    public byte[] rawValue(int i) {
        checkIndex(i);
        int offset = index[i * SLOTS + VALUE_OFFSET];
        return Arrays.copyOfRange(block, offset, offset + index[i * SLOTS + VALUE_LENGTH]);
    }

    /** The first value of {@code name}, or {@code null}. */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : value(i);
    }

    /** The first value of {@code name}, or {@code defaultValue}. */
    public String get(String name, String defaultValue) {
        String value = get(name);
        return value == null ? defaultValue : value;
    }

    /** The first raw value of {@code name}, or {@code null}. */
    public byte[] getRaw(String name) {
        int i = indexOf(name);
        return i < 0 ? null : rawValue(i);
    }

    /** Every value of {@code name}, in wire order. */
    public List<String> getAll(String name) {
        List<String> values = null;
        for (int i = 0; i < size; i++) {
            if (keyEquals(i, name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(value(i));
            }
        }
        return values == null ? Collections.emptyList() : values;
    }

    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    /** Index of the first pair named {@code name}, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < size; i++) {
            if (keyEquals(i, name)) {
                return i;
            }
        }
        return -1;
    }

    /** Size of the vars block on the wire: 2+key+2+value bytes per pair. */
    public int encodedSize() {
        int total = 0;
        for (int i = 0; i < size; i++) {
            total += 4 + index[i * SLOTS + KEY_LENGTH] + index[i * SLOTS + VALUE_LENGTH];
        }
        return total;
    }

    /** Writes the vars block in wire format (little-endian u16 lengths). */
    public void encode(ByteBuf out) {
        for (int i = 0; i < size; i++) {
            int base = i * SLOTS;
            out.writeShortLE(index[base + KEY_LENGTH]);
            out.writeBytes(block, index[base + KEY_OFFSET], index[base + KEY_LENGTH]);
            out.writeShortLE(index[base + VALUE_LENGTH]);
            out.writeBytes(block, index[base + VALUE_OFFSET], index[base + VALUE_LENGTH]);
        }
    }

    private boolean keyEquals(int i, String name) {
        int length = index[i * SLOTS + KEY_LENGTH];
        if (length != name.length()) {
            return false;
        }
        int offset = index[i * SLOTS + KEY_OFFSET];
        for (int k = 0; k < length; k++) {
            if ((block[offset + k] & 0xFF) != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private String latin1(int offset, int length) {
        return new String(block, offset, length, StandardCharsets.ISO_8859_1);
    }

    private void checkIndex(int i) {
        Objects.checkIndex(i, size);
    }

    /**
     * Wraps an already validated vars block. {@code index} holds four ints per pair as described on
     * the field; the decoder fills it while it checks the block.
     */
    static UwsgiVars wrap(byte[] block, int[] index, int size) {
        return new UwsgiVars(block, index, size);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("UwsgiVars{");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(name(i)).append('=').append(value(i));
        }
        return sb.append('}').toString();
    }

    /** Collects pairs in order; values are encoded as ISO-8859-1 unless given as bytes. */
    public static final class Builder {
        private final List<byte[]> keys = new ArrayList<>();
        private final List<byte[]> values = new ArrayList<>();

        private Builder() {
        }

        public Builder add(String name, String value) {
            return add(name, value.getBytes(StandardCharsets.ISO_8859_1));
        }

        public Builder add(String name, byte[] value) {
            byte[] key = name.getBytes(StandardCharsets.ISO_8859_1);
            if (key.length == 0 || key.length > 0xFFFF) {
                throw new IllegalArgumentException("uwsgi var name must be 1..65535 bytes: '" + name + "'");
            }
            if (value.length > 0xFFFF) {
                throw new IllegalArgumentException("uwsgi var " + name + " is longer than 65535 bytes");
            }
            keys.add(key);
            values.add(value);
            return this;
        }

        public UwsgiVars build() {
            int total = 0;
            for (int i = 0; i < keys.size(); i++) {
                total += keys.get(i).length + values.get(i).length;
            }
            byte[] block = new byte[total];
            int[] index = new int[keys.size() * SLOTS];
            int offset = 0;
            for (int i = 0; i < keys.size(); i++) {
                byte[] key = keys.get(i);
                byte[] value = values.get(i);
                index[i * SLOTS + KEY_OFFSET] = offset;
                index[i * SLOTS + KEY_LENGTH] = key.length;
                System.arraycopy(key, 0, block, offset, key.length);
                offset += key.length;
                index[i * SLOTS + VALUE_OFFSET] = offset;
                index[i * SLOTS + VALUE_LENGTH] = value.length;
                System.arraycopy(value, 0, block, offset, value.length);
                offset += value.length;
            }
            return new UwsgiVars(block, index, keys.size());
        }
    }
}
