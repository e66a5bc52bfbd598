package dev.malt.server.cache;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

/**
 * The binary protocol between a worker and its master's cache, on a unix socket in the master's runtime
 * directory. Every frame is an int length, then a type byte and an int request id. A worker keeps a few
 * connections and uses each for one request at a time; a LEAD's STORE or ABANDON comes on the connection that got
 * the LEAD.
 *
 * <pre>
 * worker → master
 *   LOOKUP  id  string resource, int n, (string name, string value)*n     request headers, for Vary
 *   STORE   id  long ttlMillis, int n, string varyName*n, response         id: the LEAD being answered
 *   ABANDON id  byte FAILED | UNCACHEABLE                                   id: the LEAD being given up
 * master → worker
 *   HIT     id  a stored value (see {@link CachedResponse})
 *   LEAD    id  nothing cached: run the app, then STORE or ABANDON
 *   PASS    id  run the app without the cache
 * </pre>
 *
 * A frame counts only once all of it arrived: a worker killed in the middle of a STORE leaves no entry, only a
 * closed connection, after which the master hands its LEADs to waiting requests.
 */
final class CacheProtocol {

    static final byte LOOKUP = 1;
    static final byte STORE = 2;
    static final byte ABANDON = 3;
    static final byte HIT = 16;
    static final byte LEAD = 17;
    static final byte PASS = 18;

    /** ABANDON: the response failed (aborted, client gone); another request may well get a storable one. */
    static final byte FAILED = 0;
    /** ABANDON: the response must not be stored (a cookie, private, a status not allowed, too large). */
    static final byte UNCACHEABLE = 1;

    /** Room beyond the entry itself: keys, request headers (at most a uwsgi vars block of 64 KiB), framing. */
    static final int OVERHEAD = 192 * 1024;

    private CacheProtocol() {
    }

    /** The largest frame either side accepts. */
    static int maxFrame(int maxItemBytes) {
        return maxItemBytes + OVERHEAD;
    }

    /** Length-prefixed frames, at most {@code maxFrame} bytes; a larger one closes the connection. */
    static void addFraming(ChannelPipeline pipeline, int maxFrame) {
        pipeline.addLast(new LengthFieldBasedFrameDecoder(maxFrame, 0, 4, 0, 4), new LengthFieldPrepender(4));
    }
}
