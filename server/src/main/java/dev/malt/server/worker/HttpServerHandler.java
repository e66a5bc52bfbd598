package dev.malt.server.worker;

import dev.malt.server.logging.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves the plain HTTP socket ({@code http-socket}): HTTP/1.1 with keep-alive, one request at a time.
 * A pipelined request that arrives in the same read as the previous one waits in {@link #pending}
 * until that response is out; no further read is asked for meanwhile, so the queue stays small.
 */
final class HttpServerHandler extends GatewayConnectionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerHandler.class);
    // Lines a client can cause at will: rate-limited, per kind.
    private static final RateLimitedLog BAD_BODY = new RateLimitedLog(LOG, "HTTP requests with a malformed body");
    private static final RateLimitedLog TOO_LARGE = new RateLimitedLog(LOG, "HTTP requests over buffer-size");
    private static final RateLimitedLog LINE_TOO_LONG = new RateLimitedLog(LOG, "HTTP request lines too long");
    private static final RateLimitedLog MALFORMED = new RateLimitedLog(LOG, "malformed HTTP requests");
    private static final RateLimitedLog BAD_HOST = new RateLimitedLog(LOG, "HTTP requests with a bad Host header");
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The response is out but body bytes are still arriving; then the next request may come. */
    private boolean draining;
    /** The worker is stopping: finish the current response, then close instead of keeping alive. */
    private boolean closeAfterResponse;
    /** The current request's body has fully arrived; what comes next belongs to the next request. */
    private boolean bodyEnded;
    private final java.util.ArrayDeque<Object> pending = new java.util.ArrayDeque<>();
    /** A 101 is out but the upgrade request's body is still arriving: switch once it has. */
    private ChannelExchange switchAfterBody;

    HttpServerHandler(AppDispatcher dispatcher, String socketName, long socketTimeoutMillis) {
        super(dispatcher, socketName, socketTimeoutMillis, "client");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null && bodyEnded && !draining) {
            pending.add(msg);
            return;
        }
        process(msg);
    }

    private void process(Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                onRequest(request);
            }
            if (msg instanceof HttpContent content) {
                onContent(content);
                return;
            }
        } finally {
            if (!(msg instanceof HttpContent)) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private void onRequest(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            rejectBadRequest(result.cause());
            return;
        }
        String hostProblem = hostProblem(request);
        if (hostProblem != null) {
            BAD_HOST.warn("400 on {} from {}: {}", socketName, ctx.channel().remoteAddress(), hostProblem);
            ErrorResponses.send(ctx, 400, "Bad Request", "Invalid or missing Host header.\n");
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(ctx.alloc().buffer(CONTINUE.length).writeBytes(CONTINUE));
        }
        bodyEnded = false;
        headReceived(!(request instanceof LastHttpContent));
        dispatch(HttpToCgi.vars(request, ctx.channel().localAddress(), ctx.channel().remoteAddress()), true,
                HttpUtil.isKeepAlive(request), this::afterResponse);
        if (!(request instanceof HttpContent)) {
            ctx.read();
        }
    }

    private void onContent(HttpContent content) {
        ChannelExchange current = exchange;
        if (current == null) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            BAD_BODY.warn("bad request body on {} from {}: {}", socketName, ctx.channel().remoteAddress(),
                    content.decoderResult().cause().toString());
            current.requestBody().fail(new IOException("malformed request body: " + content.decoderResult().cause()));
            ctx.close();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (last) {
            bodyEnded = true;
            bodyReceived();
            io.netty.handler.codec.http.HttpHeaders trailing = ((LastHttpContent) content).trailingHeaders();
            if (!trailing.isEmpty()) {
                java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
                for (java.util.Map.Entry<String, String> field : trailing) {
                    fields.merge(field.getKey().toLowerCase(java.util.Locale.ROOT), field.getValue(), (a, b) -> a + "," + b);
                }
                current.setRequestTrailers(java.util.Collections.unmodifiableMap(fields));
            }
        }
        ByteBuf bytes = content.content();
        boolean more = current.requestBody().offer(bytes, last);
        if (last && switchAfterBody != null) {
            ChannelExchange switching = switchAfterBody;
            switchAfterBody = null;
            // not from inside the decoder's own read: switching removes it
            ctx.executor().execute(() -> switchProtocols(switching));
        } else if (last && draining) {
            draining = false;
            nextRequestOrClose(true);
        } else if (more) {
            ctx.read();
        }
    }

    /**
     * What is wrong with the request's Host header, or null (RFC 9112 section 3.2: HTTP/1.1 needs exactly
     * one, and a valid one). The value becomes the server name of request URLs and redirects.
     */
    static String hostProblem(HttpRequest request) {
        java.util.List<String> hosts = request.headers().getAll(io.netty.handler.codec.http.HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return hosts.size() + " Host headers";
        }
        if (hosts.isEmpty()) {
            return request.protocolVersion().equals(io.netty.handler.codec.http.HttpVersion.HTTP_1_0)
                    ? null : "no Host header in an HTTP/1.1 request";
        }
        return HostHeader.isValid(hosts.get(0)) ? null
                : "invalid Host header '" + printable(hosts.get(0)) + "'";
    }

    /** At most 100 characters, control characters escaped: the value goes into a log line. */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && i < 100; i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return value.length() > 100 ? out + "..." : out.toString();
    }

    private void afterResponse(ChannelExchange done, boolean keepAlive) {
        if (done.isSwitching()) {
            if (!keepAlive) {
                done.notSwitched(); // the 101 did not get out
                ctx.close();
            } else if (done.requestBody().discardRest()) {
                switchAfterBody = done; // the new protocol's bytes come after the body
                ctx.read();
            } else {
                switchProtocols(done);
            }
            return;
        }
        if (done.requestBody().discardRest()) {
            if (keepAlive) {
                draining = true;
                ctx.read();
            } else {
                ResponseTail.closeAfterUnreadBody(ctx);
            }
            return;
        }
        nextRequestOrClose(keepAlive);
    }

    private void nextRequestOrClose(boolean keepAlive) {
        exchange = null;
        bodyEnded = false;
        if (!keepAlive || closeAfterResponse) {
            releasePending();
            ctx.close();
            return;
        }
        StalledReadGuard guard = guard();
        if (guard != null) {
            guard.awaitHead(); // the next request's head, within socket-timeout of now
        }
        while (!pending.isEmpty() && (exchange == null || !bodyEnded)) {
            process(pending.poll());
        }
        if (exchange == null) {
            UpgradeAwareRequestDecoder decoder = decoder();
            if (decoder != null && decoder.isPaused()) {
                // an upgrade was asked for and not given: what the client sent next is HTTP after all.
                // Not from inside the decoder's own read, which may be what brought us here.
                ctx.executor().execute(this::resumeDecoding);
            } else {
                ctx.read();
            }
        }
    }

    private void resumeDecoding() {
        UpgradeAwareRequestDecoder decoder = decoder();
        if (exchange != null || decoder == null || !ctx.channel().isActive()) {
            return;
        }
        try {
            decoder.resume(); // may start the next request right here
        } catch (Exception e) {
            closeOnFailure(LOG, e);
            return;
        }
        if (exchange == null) {
            ctx.read();
        }
    }

    private UpgradeAwareRequestDecoder decoder() {
        return ctx.pipeline().get(UpgradeAwareRequestDecoder.class);
    }

    /**
     * The 101 is out: from here on the connection carries the new protocol. The HTTP handlers leave the
     * pipeline; the decoder's removal hands every byte it holds to the upgraded connection, in order.
     */
    private void switchProtocols(ChannelExchange done) {
        exchange = null;
        releasePending();
        if (!ctx.channel().isActive()) {
            done.notSwitched();
            return;
        }
        UpgradedChannel upgraded = new UpgradedChannel(ctx.channel(), socketName, RequestBody.DEFAULT_HIGH_WATER,
                socketTimeoutMillis, dispatcher::upgradeReleased);
        dispatcher.upgradeStarted(upgraded);
        ChannelPipeline pipeline = ctx.pipeline();
        // the peer shutting its side ends the handler's input; the handler may still answer
        pipeline.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        pipeline.addLast(upgraded);
        pipeline.remove(this);
        if (pipeline.get(IdleStateHandler.class) != null) {
            pipeline.remove(IdleStateHandler.class); // an upgraded protocol keeps its own liveness
        }
        if (pipeline.get(StalledReadGuard.class) != null) {
            pipeline.remove(StalledReadGuard.class);
        }
        if (pipeline.get(UpgradeAwareRequestDecoder.class) != null) {
            pipeline.remove(UpgradeAwareRequestDecoder.class);
        }
        try {
            if (!done.switched(upgraded)) {
                ctx.channel().close(); // nobody takes the connection
                upgraded.release();
                return;
            }
        } catch (RuntimeException e) {
            LOG.error("upgrade on {} from {} failed; connection closed", socketName, ctx.channel().remoteAddress(), e);
            ctx.channel().close();
            upgraded.release();
            return;
        }
        upgraded.switchDone();
    }

    private void releasePending() {
        for (Object msg; (msg = pending.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void rejectBadRequest(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            TOO_LARGE.warn("431 on {} from {}: {} (raise 'buffer-size')", socketName, ctx.channel().remoteAddress(), cause.getMessage());
            ErrorResponses.send(ctx, 431, "Request Header Fields Too Large",
                    "The request headers are larger than this server accepts.\n");
        } else if (cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException) {
            LINE_TOO_LONG.warn("414 on {} from {}: {}", socketName, ctx.channel().remoteAddress(), cause.getMessage());
            ErrorResponses.send(ctx, 414, "URI Too Long", "The request line is too long.\n");
        } else {
            MALFORMED.warn("400 on {} from {}: {}", socketName, ctx.channel().remoteAddress(), String.valueOf(cause));
            ErrorResponses.send(ctx, 400, "Bad Request", "Malformed HTTP request.\n");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // Idle keep-alive connections are closed; a connection with a request in progress is not idle.
        if (event instanceof IdleStateEvent && exchange == null) {
            ctx.close();
        } else if (event instanceof DrainEvent) {
            closeAfterResponse = true;
            if (exchange == null) {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        if (switchAfterBody != null) {
            switchAfterBody.notSwitched(); // the client left before the upgrade request's body ended
            switchAfterBody = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeOnFailure(LOG, cause);
    }
}
