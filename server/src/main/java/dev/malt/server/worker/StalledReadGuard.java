package dev.malt.server.worker;

import dev.malt.server.logging.RateLimitedLog;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The read side of {@code socket-timeout}: closes a connection whose peer does not send what the worker
 * waits for, so idle or slow clients cannot hold a worker's descriptors for as long as they like.
 *
 * <ul>
 *   <li><b>Request head:</b> from the moment the connection waits for a request (accepted, or a keep-alive
 *       response done) the whole head must arrive within the timeout. Bytes that trickle in do not
 *       extend it, so sending a byte now and then does not keep a connection.</li>
 *   <li><b>Body:</b> while the request body is incomplete and a read is asked for (the app wants more),
 *       the next bytes must arrive within the timeout. An app that is slow to read is not the peer's
 *       fault: no read is asked for then, and no clock runs.</li>
 * </ul>
 *
 * nginx sends a request's head in one write and, buffering request bodies as it does by default, the
 * body right after it, so a timeout of seconds is never reached by a real frontend.
 *
 * <p>First in the pipeline, so it sees every read that the decoders and handlers ask for; the connection
 * handler tells it which phase the connection is in. Event loop only.
 */
final class StalledReadGuard extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StalledReadGuard.class);
    private static final RateLimitedLog HEAD_TIMEOUTS =
            new RateLimitedLog(LOG, "connections closed for an incomplete request head (socket-timeout)");
    private static final RateLimitedLog BODY_TIMEOUTS =
            new RateLimitedLog(LOG, "connections closed for a stalled request body (socket-timeout)");

    /** The read that timed out; handlers fail the request body with it. */
    static final class StalledReadException extends IOException {
        StalledReadException(String message) {
            super(message);
        }
    }

    private enum Phase { NONE, HEAD, BODY }

    private final long timeoutMillis;
    private final String socketName;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.NONE;
    /** A read was asked for and nothing has arrived since. */
    private boolean readRequested;
    private ScheduledFuture<?> timer;

    /**
     * @param timeoutMillis {@code socket-timeout} in milliseconds
     * @param socketName    the listening socket, for the log line
     */
    StalledReadGuard(long timeoutMillis, String socketName) {
        this.timeoutMillis = timeoutMillis;
        this.socketName = socketName;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        awaitHead();
        super.channelActive(ctx);
    }

    /** The connection waits for a request: the whole head must come within the timeout, from now. */
    void awaitHead() {
        cancel();
        phase = Phase.HEAD;
        arm();
    }

    /** The head is in; {@code bodyFollows} when body bytes are still to come from the peer. */
    void headReceived(boolean bodyFollows) {
        cancel();
        phase = bodyFollows ? Phase.BODY : Phase.NONE;
        if (phase == Phase.BODY && readRequested) {
            arm();
        }
    }

    /** The last body byte is in: nothing more is expected until the next request. */
    void bodyReceived() {
        cancel();
        phase = Phase.NONE;
    }

    @Override
    public void read(ChannelHandlerContext ctx) throws Exception {
        readRequested = true;
        if (phase == Phase.BODY && timer == null) {
            arm();
        }
        super.read(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        readRequested = false;
        if (phase == Phase.BODY) {
            cancel(); // progress: the clock starts again with the next read
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        phase = Phase.NONE;
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void arm() {
        if (timer == null && ctx != null) {
            Phase armedFor = phase;
            timer = ctx.executor().schedule(() -> expire(armedFor), timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(Phase armedFor) {
        timer = null;
        if (phase != armedFor || !ctx.channel().isActive()) {
            return;
        }
        long seconds = Math.max(1, TimeUnit.MILLISECONDS.toSeconds(timeoutMillis));
        String what = phase == Phase.HEAD
                ? "no complete request head within " + seconds + " s"
                : "no request body bytes for " + seconds + " s";
        (phase == Phase.HEAD ? HEAD_TIMEOUTS : BODY_TIMEOUTS).info(
                "closing connection on {} from {}: {} (socket-timeout)", socketName, ctx.channel().remoteAddress(), what);
        phase = Phase.NONE;
        ctx.fireExceptionCaught(new StalledReadException(what + " (socket-timeout)"));
        ctx.close();
    }
}
