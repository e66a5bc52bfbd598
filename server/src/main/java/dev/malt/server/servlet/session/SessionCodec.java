package dev.malt.server.servlet.session;

import dev.malt.server.servlet.core.SessionData;
import org.slf4j.Logger;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * The one record format of the shared stores (files and Redis): a fixed header, then the session.
 *
 * <pre>
 * 0   "MALTSES" and format version 1   8 bytes
 * 8   revision                         8 bytes, random: a reader that has this revision already skips the rest
 * 16  payload length                   4 bytes
 * 20  CRC-32C of the payload           4 bytes: a torn or damaged record is refused, never half-read
 * 24  payload: creation time, max inactive interval, isNew, the container's notes, then each attribute
 *     as name and its own Java serialization stream
 * </pre>
 *
 * Each attribute is serialized on its own, so a value that cannot be written (or read back after the app
 * changed its class) costs that attribute only, and the log names it. Attributes are read with the
 * context's class loader only, under an {@link ObjectInputFilter} with size and depth limits (and the
 * JVM-wide {@code jdk.serialFilter}, when set). The container's notes (who logged in) are Malt's own
 * records and are read with Malt's class loader, allowing nothing else.
 */
final class SessionCodec {

    static final int HEADER_BYTES = 24;
    private static final byte[] MAGIC = {'M', 'A', 'L', 'T', 'S', 'E', 'S', 1};
    /** Lifetime of a session that never times out, for its recorded expiry time. */
    static final long NEVER_MILLIS = 10L * 365 * 24 * 3600 * 1000;
    private static final int MAX_DEPTH = 1000;
    private static final long MAX_REFERENCES = 1_000_000;
    private static final int MAX_REPORTED = 1000;
    /** Written where the next attribute's name length would be. */
    private static final int END_OF_ATTRIBUTES = -1;
    private static final ObjectInputFilter NOTES_FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=20;java.lang.*;java.util.*;dev.malt.server.servlet.core.*;!*");
    private static final Map<String, Class<?>> PRIMITIVES = Map.of("boolean", boolean.class, "byte", byte.class,
            "char", char.class, "short", short.class, "int", int.class, "long", long.class, "float", float.class,
            "double", double.class, "void", void.class);

    /** A record that is not one: wrong magic, torn, damaged, or bigger than the limit. */
    static final class CorruptRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptRecordException(String message) {
            super(message, null, false, false);
        }
    }

    /** A session over {@code session-max-size}; the message names the attribute that crossed it. */
    static final class TooLargeException extends Exception {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message, null, false, false);
        }
    }

    record Header(long revision, int payloadLength, int crc) {
    }

    private final String appName;
    private final ClassLoader appLoader;
    private final int maxBytes;
    private final Logger log;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * @param maxBytes largest payload written or read ({@code session-max-size})
     */
    SessionCodec(String appName, ClassLoader appLoader, int maxBytes, Logger log) {
        this.appName = appName;
        this.appLoader = appLoader;
        this.maxBytes = maxBytes;
        this.log = log;
    }

    int maxBytes() {
        return maxBytes;
    }

    /** Largest record a reader accepts: the limit, and room for the header. */
    int maxRecordBytes() {
        return maxBytes + HEADER_BYTES;
    }

    // ---- times

    /** The expiry a store records for a session last used at {@code lastAccess}. */
    static long expiresAt(long lastAccess, int maxInactiveSeconds) {
        return lastAccess + lifetime(maxInactiveSeconds);
    }

    /** The inverse of {@link #expiresAt}. */
    static long lastAccess(long expiresAt, int maxInactiveSeconds) {
        return expiresAt - lifetime(maxInactiveSeconds);
    }

    static long lifetime(int maxInactiveSeconds) {
        return maxInactiveSeconds > 0 ? maxInactiveSeconds * 1000L : NEVER_MILLIS;
    }

    // ---- writing

    /**
     * The session's payload. Attributes that cannot be serialized are left out, and the log names each
     * (once per attribute and class).
     *
     * @throws TooLargeException over {@code session-max-size}
     */
    byte[] payload(SessionData data) throws TooLargeException {
        CappedBuffer buffer = new CappedBuffer(maxBytes);
        try {
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeLong(data.creationTime());
            out.writeInt(data.maxInactiveSeconds());
            out.writeBoolean(data.isFresh());
            Map<String, Object> notes = data.notes();
            if (notes.isEmpty()) {
                out.writeInt(0);
            } else {
                byte[] bytes = serialize(new HashMap<>(notes), maxBytes);
                out.writeInt(bytes.length);
                out.write(bytes);
            }
            for (Map.Entry<String, Object> attribute : new ArrayList<>(data.attributes().entrySet())) {
                byte[] name = attribute.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] value;
                try {
                    value = serializeAttribute(attribute.getValue(), maxBytes - buffer.size() - name.length - 8);
                } catch (LimitReachedException e) {
                    throw tooLarge(data, attribute, buffer.size());
                } catch (IOException | RuntimeException e) {
                    reportUnserializable(data, attribute.getKey(), attribute.getValue(), e);
                    continue;
                }
                try {
                    out.writeInt(name.length);
                    out.write(name);
                    out.writeInt(value.length);
                    out.write(value);
                } catch (LimitReachedException e) {
                    throw tooLarge(data, attribute, buffer.size());
                }
            }
            out.writeInt(END_OF_ATTRIBUTES);
            out.flush();
        } catch (LimitReachedException e) {
            throw new TooLargeException(SessionMessages.sessionTooLarge(appName, data.id(), maxBytes, null, null,
                    buffer.size())); // the container's notes alone
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return buffer.toByteArray();
    }

    private TooLargeException tooLarge(SessionData data, Map.Entry<String, Object> attribute, int before) {
        return new TooLargeException(SessionMessages.sessionTooLarge(appName, data.id(), maxBytes, attribute.getKey(),
                attribute.getValue().getClass().getName(), before));
    }

    /**
     * One attribute's bytes. A value another request changes while it is written (a
     * ConcurrentModificationException from a collection) is tried once more before it counts as unwritable.
     */
    private static byte[] serializeAttribute(Object value, int room) throws IOException {
        try {
            return serialize(value, room);
        } catch (RuntimeException e) {
            return serialize(value, room);
        }
    }

    private static byte[] serialize(Object value, int room) throws IOException {
        if (room <= 0) {
            throw new LimitReachedException();
        }
        CappedBuffer bytes = new CappedBuffer(room);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    private void reportUnserializable(SessionData data, String name, Object value, Exception e) {
        String key = name + "\u0000" + value.getClass().getName();
        if (reported.size() < MAX_REPORTED && reported.add(key)) {
            String detail = e instanceof NotSerializableException
                    ? e.getMessage() + " does not implement java.io.Serializable" : String.valueOf(e);
            log.error(SessionMessages.attributeNotSaved(appName, data.id(), name, value.getClass().getName(), detail));
        }
    }

    /** The header and the payload in one record. */
    static byte[] record(long revision, byte[] payload) {
        ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        record.put(MAGIC).putLong(revision).putInt(payload.length).putInt(crc(payload, 0, payload.length));
        record.put(payload);
        return record.array();
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    // ---- reading

    /** The header at the start of {@code bytes}. */
    Header header(byte[] bytes, int length) throws CorruptRecordException {
        if (length < HEADER_BYTES) {
            throw new CorruptRecordException("shorter than a header (" + length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        for (byte b : MAGIC) {
            if (in.get() != b) {
                throw new CorruptRecordException("not a Malt session record (or another format version)");
            }
        }
        long revision = in.getLong();
        int payloadLength = in.getInt();
        int crc = in.getInt();
        if (payloadLength < 0 || payloadLength > maxBytes) {
            throw new CorruptRecordException("payload of " + payloadLength + " bytes, over session-max-size ("
                    + maxBytes + ")");
        }
        return new Header(revision, payloadLength, crc);
    }

    /** The revision of a record whose header was already checked, for stores that compare it. */
    static byte[] revisionBytes(long revision) {
        return ByteBuffer.allocate(8).putLong(revision).array();
    }

    /**
     * The session in {@code record} (header included), last used at the time its recorded expiry implies.
     * An attribute that cannot be read back (its class is gone or changed, the filter refused it) is left
     * out, and the log names it.
     */
    SessionData decode(String id, byte[] record, long expiresAt) throws CorruptRecordException {
        Header header = header(record, record.length);
        if (record.length != HEADER_BYTES + header.payloadLength()) {
            throw new CorruptRecordException("torn: " + record.length + " bytes, the header says "
                    + (HEADER_BYTES + header.payloadLength()));
        }
        if (crc(record, HEADER_BYTES, header.payloadLength()) != header.crc()) {
            throw new CorruptRecordException("damaged: its checksum does not match");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(record, HEADER_BYTES,
                    header.payloadLength()));
            long creationTime = in.readLong();
            int maxInactive = in.readInt();
            boolean fresh = in.readBoolean();
            Map<String, Object> notes = readNotes(in);
            SessionData data = SessionData.restored(id, creationTime, maxInactive, fresh,
                    lastAccess(expiresAt, maxInactive));
            data.restoreNotes(notes);
            while (true) {
                int nameLength = in.readInt();
                if (nameLength == END_OF_ATTRIBUTES) {
                    break;
                }
                String name = new String(readBlock(in, nameLength), StandardCharsets.UTF_8);
                byte[] value = readBlock(in, in.readInt());
                try {
                    data.attributes().put(name, deserialize(value));
                } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
                    log.warn(SessionMessages.attributeNotRead(appName, id, name, String.valueOf(e)));
                }
            }
            if (in.available() != 0) {
                throw new CorruptRecordException("damaged: " + in.available() + " bytes after the last attribute");
            }
            data.stored(header.revision(), java.util.Arrays.copyOfRange(record, HEADER_BYTES, record.length),
                    expiresAt);
            return data;
        } catch (IOException e) {
            throw new CorruptRecordException("damaged: " + e);
        }
    }

    private Map<String, Object> readNotes(DataInputStream in) throws IOException, CorruptRecordException {
        byte[] bytes = readBlock(in, in.readInt());
        if (bytes.length == 0) {
            return Map.of();
        }
        try (ObjectInputStream notes = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            notes.setObjectInputFilter(NOTES_FILTER);
            if (notes.readObject() instanceof Map<?, ?> map) {
                Map<String, Object> copy = new HashMap<>();
                map.forEach((k, v) -> copy.put(String.valueOf(k), v));
                return copy;
            }
            throw new CorruptRecordException("damaged: the container's notes are not a map");
        } catch (ClassNotFoundException e) {
            throw new CorruptRecordException("the container's notes hold an unknown class: " + e.getMessage());
        }
    }

    private static byte[] readBlock(DataInputStream in, int length) throws IOException {
        if (length < 0 || length > in.available()) {
            throw new IOException("a block of " + length + " bytes where " + in.available() + " are left");
        }
        return in.readNBytes(length);
    }

    private Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new AppObjectInputStream(new ByteArrayInputStream(bytes), appLoader,
                filter(bytes.length))) {
            return in.readObject();
        }
    }

    private ObjectInputFilter filter(int length) {
        ObjectInputFilter limits = ObjectInputFilter.Config.createFilter("maxdepth=" + MAX_DEPTH + ";maxrefs="
                + MAX_REFERENCES + ";maxbytes=" + length + ";maxarray=" + maxBytes);
        ObjectInputFilter global = ObjectInputFilter.Config.getSerialFilter();
        if (global == null) {
            return limits;
        }
        return info -> {
            ObjectInputFilter.Status status = global.checkInput(info);
            return status == ObjectInputFilter.Status.REJECTED ? status : limits.checkInput(info);
        };
    }

    /** Resolves classes through the context's class loader only: nothing the app could not load itself. */
    private static final class AppObjectInputStream extends ObjectInputStream {

        private final ClassLoader loader;

        AppObjectInputStream(InputStream in, ClassLoader loader, ObjectInputFilter filter) throws IOException {
            super(in);
            this.loader = loader;
            setObjectInputFilter(filter);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws ClassNotFoundException {
            Class<?> primitive = PRIMITIVES.get(desc.getName());
            return primitive != null ? primitive : Class.forName(desc.getName(), false, loader);
        }

        @Override
        @SuppressWarnings("deprecation")
        protected Class<?> resolveProxyClass(String[] interfaces) throws ClassNotFoundException {
            Class<?>[] types = new Class<?>[interfaces.length];
            for (int i = 0; i < interfaces.length; i++) {
                types[i] = Class.forName(interfaces[i], false, loader);
            }
            return java.lang.reflect.Proxy.getProxyClass(loader, types);
        }
    }

    /** Thrown by {@link CappedBuffer} past its limit. */
    private static final class LimitReachedException extends IOException {
        private static final long serialVersionUID = 1L;

        LimitReachedException() {
            super(null, null);
        }
    }

    /** A byte buffer that refuses to grow past a limit, so one huge attribute cannot fill the heap first. */
    private static final class CappedBuffer extends OutputStream {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private final int limit;

        CappedBuffer(int limit) {
            this.limit = limit;
        }

        int size() {
            return bytes.size();
        }

        @Override
        public void write(int b) throws IOException {
            check(1);
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check(len);
            bytes.write(b, off, len);
        }

        private void check(int more) throws LimitReachedException {
            if (size() + more > limit) {
                throw new LimitReachedException();
            }
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
