package dev.malt.server.cache;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's connection to its master's cache: one unix socket connection, many requests in flight on it, each
 * with its own id. App threads block in {@link #lookup} for at most the answer timeout. Whenever the master cannot
 * be reached, or answers late, the request goes to the app uncached: the cache may make a site faster, never make
 * it fail. The failure is logged at most once a minute.
 *
 * <p>Outbound bytes are bounded: above {@value #HIGH_WATER} bytes not yet taken by the master, lookups pass and
 * stores are dropped (and their lead given up) instead of piling up in the worker.
 */
final class CacheClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheClient.class);

    static final int HIGH_WATER = 4 << 20;
    static final int LOW_WATER = 1 << 20;
    static final long RETRY_MILLIS = 1_000;
    static final long LOG_EVERY_MILLIS = 60_000;
    static final long CONNECT_TIMEOUT_MILLIS = 2_000;

    /** What the master said. */
    sealed interface Reply permits Hit, Lead, Pass {
    }

    record Hit(CachedResponse response) implements Reply {
    }

    /** This request fills the entry; its STORE or ABANDON must go back on the same connection. */
    record Lead(int ticket, Connection connection) implements Reply {
    }

    enum Pass implements Reply { PASS }

    private final EventLoopGroup group;
    private final Path socket;
    private final long answerTimeoutMillis;
    private final int maxFrame;
    private final AtomicInteger ids = new AtomicInteger();
    private final Object connecting = new Object();
    private volatile Connection connection;
    /** No connection attempt before this time (nanoTime); a failed one pushes it {@link #RETRY_MILLIS} on. */
    private volatile long retryAt = System.nanoTime();
    private volatile long loggedAt = Long.MIN_VALUE;
    private volatile boolean closed;

    /**
     * @param answerTimeoutMillis how long a lookup waits for the master's answer (the master's own wait limit
     *                            plus a margin)
     */
    CacheClient(EventLoopGroup group, Path socket, long answerTimeoutMillis, int maxFrame) {
        this.group = group;
        this.socket = socket;
        this.answerTimeoutMillis = answerTimeoutMillis;
        this.maxFrame = maxFrame;
    }

    /** Asks for an entry; blocks at most the answer timeout. Never throws: any trouble is a {@link Pass}. */
    Reply lookup(String resource, Map<String, String> headers) {
        Connection c = connection();
        if (c == null || !c.channel.isWritable()) {
            return Pass.PASS;
        }
        int id = ids.incrementAndGet();
        CompletableFuture<Reply> answer = new CompletableFuture<>();
        c.pending.put(id, answer);
        ByteBuf frame = c.channel.alloc().buffer(64 + resource.length() + headers.size() * 48);
        frame.writeByte(CacheProtocol.LOOKUP).writeInt(id);
        Wire.writeString(frame, resource);
        frame.writeInt(headers.size());
        for (Map.Entry<String, String> header : headers.entrySet()) {
            Wire.writeString(frame, header.getKey());
            Wire.writeString(frame, header.getValue());
        }
        c.channel.writeAndFlush(frame).addListener(f -> {
            if (!f.isSuccess()) {
                answered(c, id, Pass.PASS);
            }
        });
        try {
            return answer.get(answerTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (c.pending.remove(id) == null) {
                return answer.getNow(Pass.PASS); // it came just now
            }
            trouble("did not answer within " + answerTimeoutMillis + " ms");
            return Pass.PASS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.pending.remove(id);
            return answer.getNow(Pass.PASS);
        } catch (ExecutionException e) {
            return Pass.PASS;
        }
    }

    /**
     * Hands a lead's response to the master. Dropped (and the lead given up) when the master is not taking bytes:
     * waiting requests then go on without the entry.
     */
    void store(Lead lead, long ttlMillis, List<String> vary, int status, String reason,
               List<Map.Entry<String, String>> headers, byte[] body, int bodyLength) {
        Channel channel = lead.connection().channel;
        if (!channel.isActive()) {
            return; // the master already gave this lead to another request
        }
        if (!channel.isWritable()) {
            abandon(lead, CacheProtocol.FAILED);
            return;
        }
        ByteBuf frame = channel.alloc().buffer(64 + bodyLength + headers.size() * 64);
        frame.writeByte(CacheProtocol.STORE).writeInt(lead.ticket()).writeLong(ttlMillis);
        frame.writeInt(vary.size());
        for (String name : vary) {
            Wire.writeString(frame, name);
        }
        CachedResponse.writeResponse(frame, status, reason, headers, body, bodyLength);
        if (frame.readableBytes() > maxFrame) {
            frame.release();
            abandon(lead, CacheProtocol.UNCACHEABLE);
            return;
        }
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    void abandon(Lead lead, byte reason) {
        Channel channel = lead.connection().channel;
        if (channel.isActive()) {
            abandon(channel, lead.ticket(), reason);
        }
    }

    private static void abandon(Channel channel, int ticket, byte reason) {
        ByteBuf frame = channel.alloc().buffer(6).writeByte(CacheProtocol.ABANDON).writeInt(ticket).writeByte(reason);
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    /** The live connection, connecting now if the last attempt is long enough ago; null while unreachable. */
    private Connection connection() {
        Connection c = connection;
        if (c != null && c.channel.isActive()) {
            return c;
        }
        if (closed || System.nanoTime() - retryAt < 0) {
            return null;
        }
        synchronized (connecting) {
            c = connection;
            if (c != null && c.channel.isActive()) {
                return c;
            }
            if (System.nanoTime() - retryAt < 0) {
                return null;
            }
            connection = c = connect();
            if (c == null) {
                retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
            }
            return c;
        }
    }

    private Connection connect() {
        Connection c = new Connection();
        ChannelFuture connected = new Bootstrap()
                .group(group)
                .channel(EpollDomainSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER))
                .handler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        CacheProtocol.addFraming(ch.pipeline(), maxFrame);
                        ch.pipeline().addLast(new Answers(c));
                    }
                })
                .connect(new DomainSocketAddress(socket.toFile()));
        if (!connected.awaitUninterruptibly(CONNECT_TIMEOUT_MILLIS) || !connected.isSuccess()) {
            connected.channel().close();
            Throwable cause = connected.cause();
            trouble("cannot be reached: " + (cause == null ? "connect timed out" : cause.getMessage()));
            return null;
        }
        c.channel = connected.channel();
        return c;
    }

    private void trouble(String what) {
        long now = System.nanoTime();
        long last = loggedAt;
        if (last == Long.MIN_VALUE || now - last > TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MILLIS)) {
            loggedAt = now;
            LOG.warn("the response cache at {} {}; requests go to the app uncached meanwhile (logged at most once a"
                    + " minute)", socket, what);
        }
    }

    private static void answered(Connection c, int id, Reply reply) {
        CompletableFuture<Reply> waiting = c.pending.remove(id);
        if (waiting != null) {
            waiting.complete(reply);
        } else if (reply instanceof Lead) {
            // the request stopped waiting and went to the app uncached: nobody will fill this entry
            abandon(c.channel, id, CacheProtocol.FAILED);
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            c.channel.close().awaitUninterruptibly(1_000);
        }
    }

    /** One connection and the lookups waiting for its answers. */
    static final class Connection {
        final Map<Integer, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
        volatile Channel channel;
    }

    private final class Answers extends ChannelInboundHandlerAdapter {
        private final Connection connection;

        Answers(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                if (connection.channel == null) {
                    connection.channel = ctx.channel();
                }
                byte type = frame.readByte();
                int id = frame.readInt();
                switch (type) {
                    case CacheProtocol.HIT -> answered(connection, id, new Hit(CachedResponse.decode(frame)));
                    case CacheProtocol.LEAD -> answered(connection, id, new Lead(id, connection));
                    case CacheProtocol.PASS -> answered(connection, id, Pass.PASS);
                    default -> throw new IllegalStateException("unknown answer type " + type);
                }
            } catch (RuntimeException e) {
                trouble("sent a bad answer (" + e + ")");
                ctx.close();
            } finally {
                ReferenceCountUtil.release(frame);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            for (Integer id : List.copyOf(connection.pending.keySet())) {
                answered(connection, id, Pass.PASS);
            }
            if (!closed) {
                trouble("closed the connection");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
