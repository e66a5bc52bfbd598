package dev.malt.server.worker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upgraded connection's two directions, on an embedded channel. */
class UpgradedChannelTest {

    private static final int HIGH_WATER = 16;

    private int reads;
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicBoolean released = new AtomicBoolean();
    private final UpgradedChannel upgraded = new UpgradedChannel(channel, "test", HIGH_WATER, 1_000, c -> released.set(true));

    UpgradedChannelTest() {
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads++;
                ctx.read();
            }
        }, upgraded);
    }

    @Test
    void aHandlerThatDoesNotReadStopsTheSocketReadsAtTheCap() throws Exception {
        upgraded.switchDone();
        assertEquals(1, reads, "reading starts with the switch");
        channel.writeInbound(ascii("0123456789"));
        assertEquals(2, reads, "below the cap: read on");
        channel.writeInbound(ascii("abcdefghij"));
        assertEquals(2, reads, "20 bytes unread, over the cap of 16: no more reads from the socket");

        byte[] buffer = new byte[20];
        assertEquals(20, upgraded.input().read(buffer));
        channel.runPendingTasks();
        assertEquals(3, reads, "the handler caught up: reading resumes");

        assertFalse(upgraded.inputReadable());
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertTrue(upgraded.inputReadable() && upgraded.inputFinished(), "the peer shut its side");
        assertEquals(-1, upgraded.input().read(buffer));
        channel.finishAndReleaseAll();
    }

    @Test
    void closingSendsWhatWasWrittenThenClosesTheConnection() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        upgraded.whenClosed(() -> closed.set(true));
        upgraded.write("bye".getBytes(StandardCharsets.US_ASCII), 0, 3);
        upgraded.close();
        channel.runPendingTasks();
        ByteBuf out = channel.readOutbound();
        assertEquals("bye", out.toString(StandardCharsets.US_ASCII));
        out.release();
        assertFalse(channel.isOpen());
        assertTrue(closed.get(), "whenClosed callbacks ran");

        assertFalse(released.get());
        upgraded.release();
        upgraded.release();
        assertTrue(released.get(), "the dispatcher hears of the release once");
        channel.finishAndReleaseAll();
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
