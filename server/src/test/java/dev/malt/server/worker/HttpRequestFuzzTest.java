package dev.malt.server.worker;

import dev.malt.protocol.CapturedRequests;
import dev.malt.protocol.FuzzInputs;
import dev.malt.protocol.NettyLeakHook;
import dev.malt.protocol.TrackingAllocator;
import dev.malt.protocol.UwsgiVars;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the HTTP socket's request path: Netty's decoder as the worker configures it, the pause on an
 * Upgrade request (then resumed, or the decoder removed as on a 101), the Host check and the mapping to
 * CGI vars. The corpus is the captured nginx and Apache requests turned back into HTTP, plus chunked,
 * pipelined, upgrade and 100-continue requests. Whatever arrives: nothing is thrown out of the pipeline,
 * every buffer is released, and each decoded request maps to vars.
 */
@AddLifecycleHook(NettyLeakHook.class)
class HttpRequestFuzzTest {

    static final int TRIES = 1_000_000;
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final long STARTED = System.nanoTime();
    private static final TrackingAllocator ALLOCATOR = new TrackingAllocator();
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 40000);

    @Provide
    Arbitrary<byte[]> requests() {
        List<byte[]> seeds = new ArrayList<>();
        for (CapturedRequests.Captured capture : CapturedRequests.load()) {
            seeds.add(asHttp(capture));
        }
        for (String raw : List.of(
                "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 6\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
                "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0005hello",
                "PUT /f HTTP/1.1\r\nHost: a:1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody",
                "GET / HTTP/1.0\r\n\r\n")) {
            seeds.add(raw.getBytes(StandardCharsets.ISO_8859_1));
        }
        return FuzzInputs.mutated(seeds, 6);
    }

    @Provide
    Arbitrary<int[]> splits() {
        return FuzzInputs.splits();
    }

    @Property(tries = TRIES)
    void anyInputIsDecodedOrRejectedAndNothingLeaks(@ForAll("requests") byte[] input, @ForAll("splits") int[] splits,
                                                    @ForAll boolean switchOnUpgrade) {
        boolean tracked = INPUTS.incrementAndGet() % 64 != 0; // see UwsgiDecoderFuzzTest
        EmbeddedChannel channel = new EmbeddedChannel();
        if (tracked) {
            channel.config().setAllocator(ALLOCATOR);
        }
        UpgradeAwareRequestDecoder decoder = new UpgradeAwareRequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192).setMaxHeaderSize(8192).setMaxChunkSize(64 * 1024));
        Requests requests = new Requests();
        channel.pipeline().addLast(decoder, requests);
        int start = 0;
        int[] cuts = FuzzInputs.cuts(splits, input.length);
        for (int i = 0; i <= cuts.length; i++) {
            int end = i < cuts.length ? cuts[i] : input.length;
            channel.writeInbound(channel.alloc().buffer(Math.max(1, end - start)).writeBytes(input, start, end - start));
            if (decoder.isPaused() && channel.pipeline().get(UpgradeAwareRequestDecoder.class) != null) {
                if (switchOnUpgrade) {
                    channel.pipeline().remove(decoder); // a 101: the bytes held go on to the next handler
                } else {
                    resume(decoder); // no upgrade: what waited is HTTP after all
                }
            }
            channel.runPendingTasks();
            start = end;
        }
        channel.finishAndReleaseAll();
        channel.checkException();
        if (tracked) {
            ALLOCATOR.assertAllReleased(new String(input, StandardCharsets.ISO_8859_1));
        }
    }

    private static void resume(UpgradeAwareRequestDecoder decoder) {
        try {
            decoder.resume();
        } catch (Exception e) {
            throw new AssertionError("resuming the decoder threw", e);
        }
    }

    @AfterContainer
    static void report() {
        long inputs = INPUTS.get();
        double seconds = (System.nanoTime() - STARTED) / 1e9;
        System.out.printf("HTTP request fuzz: %d inputs in %.1f s, %.1f s of CPU (%.0f/s)%n",
                inputs, seconds, FuzzInputs.cpuSecondsSinceStart(), inputs / seconds);
        if (inputs < TRIES) {
            fail("only " + inputs + " inputs were tried");
        }
    }

    /** What HttpServerHandler does with each message that matters here: check the Host, map to vars, release. */
    private static final class Requests extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()
                        && HttpServerHandler.hostProblem(request) == null) {
                    UwsgiVars vars = HttpToCgi.vars(request, LOCAL, REMOTE);
                    for (int i = 0; i < vars.size(); i++) {
                        vars.name(i);
                        vars.value(i);
                    }
                    String host = request.headers().get("Host");
                    if (host != null) {
                        assertEquals(HttpToCgi.hostWithoutPort(host), vars.get("SERVER_NAME"));
                    }
                }
                if (msg instanceof HttpContent content && !(msg instanceof LastHttpContent)) {
                    content.content().readableBytes();
                }
                if (msg instanceof ByteBuf bytes) {
                    bytes.readableBytes(); // after a switch: the new protocol's bytes
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /** A captured uwsgi request as the HTTP a client would have sent for it. */
    private static byte[] asHttp(CapturedRequests.Captured capture) {
        StringBuilder head = new StringBuilder();
        Map<String, String> cgi = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> var : capture.vars()) {
            cgi.putIfAbsent(var.getKey(), var.getValue());
        }
        head.append(cgi.getOrDefault("REQUEST_METHOD", "GET")).append(' ')
                .append(cgi.getOrDefault("REQUEST_URI", "/")).append(' ')
                .append(cgi.getOrDefault("SERVER_PROTOCOL", "HTTP/1.1")).append("\r\n");
        for (Map.Entry<String, String> var : capture.vars()) {
            if (var.getKey().startsWith("HTTP_")) {
                head.append(headerName(var.getKey().substring(5))).append(": ").append(var.getValue()).append("\r\n");
            }
        }
        if (capture.body().length > 0) {
            head.append("Content-Length: ").append(capture.body().length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[headBytes.length + capture.body().length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(capture.body(), 0, out, headBytes.length, capture.body().length);
        return out;
    }

    private static String headerName(String cgi) {
        StringBuilder name = new StringBuilder();
        for (String word : cgi.toLowerCase(Locale.ROOT).split("_")) {
            if (!name.isEmpty()) {
                name.append('-');
            }
            name.append(word.isEmpty() ? "" : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        return name.toString();
    }
}
