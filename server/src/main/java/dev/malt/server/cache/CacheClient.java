package dev.malt.server.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's connections to its master's cache: a bounded pool of unix socket connections, each used by one
 * request at a time, on the request's own app thread. The app thread writes its LOOKUP and reads the answer
 * itself: a hit costs one wake-up of the master and one of the app thread, no event loop in between (measured
 * 3 to 5 times faster per lookup than one multiplexed connection served by an event loop).
 *
 * <p>A LEAD keeps its connection until its STORE or ABANDON goes out on it (the master ties the lead to the
 * connection, so a worker that dies releases its leads by closing them). When the pool is used up, the master
 * cannot be reached, or it answers late, the request goes to the app uncached: the cache may make a site faster,
 * never make it fail. Trouble is logged at most once a minute. Every read and write has a deadline.
 */
final class CacheClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheClient.class);

    static final long RETRY_MILLIS = 1_000;
    static final long LOG_EVERY_MILLIS = 60_000;
    /** How long a STORE, ABANDON or LOOKUP may take to be written: the master reads as fast as it can. */
    static final long WRITE_TIMEOUT_MILLIS = 5_000;
    /** Answers up to this size are read into the connection's own buffer; larger hits get one of their own. */
    static final int READ_BUFFER = 64 * 1024;

    /** What the master said. */
    sealed interface Reply permits Hit, Lead, Pass {
    }

    record Hit(CachedResponse response) implements Reply {
    }

    /** This request fills the entry; its STORE or ABANDON goes back on {@code connection}, which it holds. */
    record Lead(int ticket, Connection connection) implements Reply {
    }

    enum Pass implements Reply { PASS }

    private final Path socket;
    private final long answerTimeoutMillis;
    private final int maxFrame;
    private final int maxConnections;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    /** No connection attempt before this time (nanoTime); a failed one pushes it {@link #RETRY_MILLIS} on. */
    private volatile long retryAt = System.nanoTime();
    private volatile long loggedAt;
    private volatile boolean logged;
    private volatile boolean closed;

    /**
     * @param answerTimeoutMillis how long a lookup waits for the master's answer (the master's own wait limit
     *                            plus a margin)
     * @param maxConnections      connections at most; a request finding none free goes uncached
     */
    CacheClient(Path socket, long answerTimeoutMillis, int maxFrame, int maxConnections) {
        this.socket = socket;
        this.answerTimeoutMillis = answerTimeoutMillis;
        this.maxFrame = maxFrame;
        this.maxConnections = maxConnections;
    }

    /** Asks for an entry; blocks at most the answer timeout. Never throws: any trouble is a {@link Pass}. */
    Reply lookup(String resource, Map<String, String> headers) {
        Connection c = borrow();
        if (c == null) {
            return Pass.PASS;
        }
        int id = ids.incrementAndGet();
        ByteBuf frame = Unpooled.buffer(64 + resource.length() + headers.size() * 48);
        frame.writeInt(0).writeByte(CacheProtocol.LOOKUP).writeInt(id);
        Wire.writeString(frame, resource);
        frame.writeInt(headers.size());
        for (Map.Entry<String, String> header : headers.entrySet()) {
            Wire.writeString(frame, header.getKey());
            Wire.writeString(frame, header.getValue());
        }
        try {
            c.write(frame, deadline(WRITE_TIMEOUT_MILLIS));
            ByteBuf answer = c.readFrame(maxFrame, deadline(answerTimeoutMillis));
            byte type = answer.readByte();
            if (answer.readInt() != id) {
                throw new IOException("an answer to another request");
            }
            switch (type) {
                case CacheProtocol.HIT -> {
                    CachedResponse response = CachedResponse.decode(answer);
                    release(c);
                    return new Hit(response);
                }
                case CacheProtocol.LEAD -> {
                    return new Lead(id, c);
                }
                case CacheProtocol.PASS -> {
                    release(c);
                    return Pass.PASS;
                }
                default -> throw new IOException("an answer of unknown type " + type);
            }
        } catch (SocketTimeoutException e) {
            // the master may still make this request a leader: closing the connection gives the lead up
            trouble("did not answer within " + answerTimeoutMillis + " ms");
        } catch (IOException | RuntimeException e) {
            trouble("failed: " + e);
        }
        discard(c);
        return Pass.PASS;
    }

    /** Hands a lead's response to the master; the lead's connection goes back to the pool. */
    void store(Lead lead, long ttlMillis, List<String> vary, int status, String reason,
               List<Map.Entry<String, String>> headers, byte[] body, int bodyLength) {
        ByteBuf frame = Unpooled.buffer(64 + bodyLength + headers.size() * 64);
        frame.writeInt(0).writeByte(CacheProtocol.STORE).writeInt(lead.ticket()).writeLong(ttlMillis);
        frame.writeInt(vary.size());
        for (String name : vary) {
            Wire.writeString(frame, name);
        }
        CachedResponse.writeResponse(frame, status, reason, headers, body, bodyLength);
        if (frame.readableBytes() - 4 > maxFrame) {
            abandon(lead, CacheProtocol.UNCACHEABLE);
            return;
        }
        send(lead.connection(), frame);
    }

    void abandon(Lead lead, byte reason) {
        ByteBuf frame = Unpooled.buffer(10);
        frame.writeInt(0).writeByte(CacheProtocol.ABANDON).writeInt(lead.ticket()).writeByte(reason);
        send(lead.connection(), frame);
    }

    private void send(Connection c, ByteBuf frame) {
        try {
            c.write(frame, deadline(WRITE_TIMEOUT_MILLIS));
            release(c);
        } catch (IOException | RuntimeException e) {
            trouble("did not take a frame: " + e);
            discard(c); // the master gives the lead to a waiting request when the connection closes
        }
    }

    private static long deadline(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** An idle connection, or a new one while fewer than the maximum are open; null when there is none. */
    private Connection borrow() {
        Connection c = idle.pollFirst();
        if (c != null) {
            return c;
        }
        if (closed || System.nanoTime() - retryAt < 0) {
            return null;
        }
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            trouble("is busy: all " + maxConnections + " connections of this worker are in use");
            return null;
        }
        try {
            return new Connection(socket);
        } catch (IOException e) {
            connections.decrementAndGet();
            retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
            trouble("cannot be reached: " + e.getMessage());
            return null;
        }
    }

    /** Most recently used first: a few connections stay warm, the others idle. */
    private void release(Connection c) {
        if (closed) {
            discard(c);
        } else {
            idle.offerFirst(c);
        }
    }

    private void discard(Connection c) {
        c.close();
        connections.decrementAndGet();
    }

    private void trouble(String what) {
        long now = System.nanoTime();
        if (!logged || now - loggedAt > TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MILLIS)) {
            logged = true;
            loggedAt = now;
            LOG.warn("the response cache at {} {}; requests go to the app uncached meanwhile (logged at most once a"
                    + " minute)", socket, what);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Connection c; (c = idle.pollFirst()) != null; ) {
            discard(c);
        }
    }

    /** One connection, used by one thread at a time: non-blocking, with its own selector for deadlines. */
    static final class Connection {
        private final SocketChannel channel;
        private final Selector selector;
        private final SelectionKey key;
        private final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER);

        Connection(Path socket) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.configureBlocking(false);
                selector = Selector.open();
                // always interested in reading: no epoll_ctl per lookup, only one epoll_wait
                key = channel.register(selector, SelectionKey.OP_READ);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        /** Writes a frame whose first four bytes are left for its length. */
        void write(ByteBuf frame, long deadline) throws IOException {
            frame.setInt(0, frame.readableBytes() - 4);
            ByteBuffer out = frame.nioBuffer();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(SelectionKey.OP_WRITE, deadline);
                }
            }
        }

        /** Reads one frame (without its length) of at most {@code maxFrame} bytes. */
        ByteBuf readFrame(int maxFrame, long deadline) throws IOException {
            ByteBuffer buffer = in;
            buffer.clear();
            await(SelectionKey.OP_READ, deadline); // the answer is not there yet: wait before the first read
            fill(buffer, 4, deadline);
            int length = buffer.getInt(0);
            if (length < 5 || length > maxFrame) {
                throw new IOException("a frame of " + length + " bytes");
            }
            if (length + 4 > buffer.capacity()) {
                ByteBuffer larger = ByteBuffer.allocate(length + 4);
                buffer.flip();
                larger.put(buffer);
                buffer = larger;
            }
            fill(buffer, length + 4, deadline);
            return Unpooled.wrappedBuffer(buffer.array(), 4, length);
        }

        private void fill(ByteBuffer buffer, int until, long deadline) throws IOException {
            while (buffer.position() < until) {
                int n = channel.read(buffer);
                if (n < 0) {
                    throw new EOFException("the master closed the connection");
                }
                if (n == 0) {
                    await(SelectionKey.OP_READ, deadline);
                }
            }
        }

        private void await(int ops, long deadline) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("timed out");
            }
            if (ops != SelectionKey.OP_READ) {
                key.interestOps(ops);
            }
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            selector.selectedKeys().clear();
            if (ops != SelectionKey.OP_READ) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        void close() {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
