package dev.malt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes {@link UwsgiDecoder} with the captured nginx and Apache packets as the corpus: whatever bytes
 * arrive, split into reads however, the decoder yields at most one request (or a ping), never more body
 * than CONTENT_LENGTH, fails only with {@link UwsgiProtocolException}, and leaks no buffer (PARANOID
 * detection, plus a reference count check on every input).
 */
@AddLifecycleHook(NettyLeakHook.class)
class UwsgiDecoderFuzzTest {

    static final int TRIES = 1_000_000;
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final AtomicLong STARTED = new AtomicLong(System.nanoTime());
    private static final TrackingAllocator ALLOCATOR = new TrackingAllocator();

    @Provide
    Arbitrary<byte[]> packets() {
        List<byte[]> seeds = new ArrayList<>();
        for (CapturedRequests.Captured capture : CapturedRequests.load()) {
            seeds.add(capture.packet());
        }
        seeds.add(new byte[] {100, 0, 0, 0}); // ping
        return FuzzInputs.mutated(seeds, 6);
    }

    @Provide
    Arbitrary<int[]> splits() {
        return FuzzInputs.splits();
    }

    @Property(tries = TRIES, shrinking = net.jqwik.api.ShrinkingMode.FULL)
    void anyInputDecodesOrFailsCleanly(@ForAll("packets") byte[] input, @ForAll("splits") int[] splits) {
        // Every buffer is checked per input by the tracking allocator; one input in 64 runs on Netty's own
        // allocator instead, where the PARANOID detector tracks each buffer (checked after the container).
        boolean tracked = INPUTS.incrementAndGet() % 64 != 0;
        TrackingAllocator allocator = tracked ? ALLOCATOR : null;
        EmbeddedChannel channel = new EmbeddedChannel();
        if (tracked) {
            channel.config().setAllocator(allocator);
        }
        channel.pipeline().addLast(new UwsgiDecoder(4096, 64));
        List<ByteBuf> written = new ArrayList<>();
        Outcome outcome = new Outcome();
        int start = 0;
        int[] cuts = FuzzInputs.cuts(splits, input.length);
        for (int i = 0; i <= cuts.length; i++) {
            int end = i < cuts.length ? cuts[i] : input.length;
            ByteBuf chunk = channel.alloc().buffer(Math.max(1, end - start)).writeBytes(input, start, end - start);
            written.add(chunk);
            try {
                channel.writeInbound(chunk);
            } catch (UwsgiProtocolException expected) {
                outcome.errors++;
            }
            outcome.drain(channel);
            start = end;
        }
        try {
            channel.finish(); // the peer closes: a cut-off packet is an error too
        } catch (UwsgiProtocolException expected) {
            outcome.errors++;
        }
        outcome.drain(channel);
        channel.finishAndReleaseAll();
        for (ByteBuf chunk : written) {
            assertEquals(0, chunk.refCnt(), "an input buffer outlived the channel");
        }
        if (tracked) {
            allocator.assertAllReleased(java.util.Arrays.toString(input));
        }
        assertTrue(outcome.errors <= 1, "the decoder reports one error, then discards: " + outcome.errors);
        assertTrue(outcome.requests + outcome.pings <= 1, "one request or ping per connection");
        if (outcome.requests == 1) {
            assertTrue(outcome.bodyBytes <= outcome.contentLength, "no more body than CONTENT_LENGTH");
            assertTrue(outcome.lastPieces <= 1, "one last body piece at most");
            if (outcome.lastPieces == 1) {
                assertEquals(outcome.contentLength, outcome.bodyBytes, "the last piece ends the declared body");
            }
        } else {
            assertEquals(0, outcome.bodyBytes, "no body without a request");
        }
    }

    @AfterContainer
    static void report() {
        long inputs = INPUTS.get();
        double seconds = (System.nanoTime() - STARTED.get()) / 1e9;
        System.out.printf("UwsgiDecoder fuzz: %d inputs in %.1f s, %.1f s of CPU (%.0f/s)%n",
                inputs, seconds, FuzzInputs.cpuSecondsSinceStart(), inputs / seconds);
        if (inputs < TRIES) {
            fail("only " + inputs + " inputs were tried");
        }
    }

    private static final class Outcome {
        int errors;
        int requests;
        int pings;
        int lastPieces;
        long contentLength;
        long bodyBytes;

        void drain(EmbeddedChannel channel) {
            for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
                if (msg instanceof UwsgiRequest request) {
                    requests++;
                    contentLength = request.contentLength();
                    request.vars().size(); // the index must be readable
                    for (int i = 0; i < request.vars().size(); i++) {
                        request.vars().name(i);
                        request.vars().value(i);
                    }
                } else if (msg instanceof UwsgiPing) {
                    pings++;
                } else if (msg instanceof UwsgiContent content) {
                    bodyBytes += content.content().readableBytes();
                    if (content.isLast()) {
                        lastPieces++;
                    }
                    assertTrue(content.release() || content.content().readableBytes() == 0 || content.refCnt() == 0,
                            "a body piece is freed by its receiver's one release");
                } else {
                    fail("unexpected message " + msg);
                }
            }
        }
    }
}
