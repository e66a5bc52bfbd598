package dev.malt.server.worker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The HTTP decoder's pause after a request that asks to switch protocols, and the two ways out of it. */
class UpgradeAwareRequestDecoderTest {

    private static final String UPGRADE = "POST /u HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n";

    private int reads;
    private final EmbeddedChannel channel = new EmbeddedChannel();

    UpgradeAwareRequestDecoderTest() {
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads++;
                ctx.read();
            }
        }, new UpgradeAwareRequestDecoder(new HttpDecoderConfig()));
    }

    @Test
    void bytesAfterAnUpgradeRequestGoToTheNextHandlerInOrderWhenTheDecoderLeaves() {
        channel.writeInbound(ascii(UPGRADE + "AB"));
        assertRequest("/u");
        assertNull(channel.readInbound(), "what follows the upgrade request is not decoded as HTTP");
        int readsBefore = reads;
        channel.writeInbound(ascii("CD"));
        assertNull(channel.readInbound());
        assertEquals(readsBefore, reads, "a paused decoder asks for no more reads");

        channel.pipeline().remove(UpgradeAwareRequestDecoder.class);
        assertEquals("AB", text(channel.readInbound()));
        assertEquals("CD", text(channel.readInbound()));
        channel.finishAndReleaseAll();
    }

    @Test
    void afterARefusedUpgradeWhatFollowedIsDecodedAsHttp() throws Exception {
        channel.writeInbound(ascii(UPGRADE + "GET /next HTTP/1.1\r\n"));
        assertRequest("/u");
        channel.writeInbound(ascii("Host: x\r\n\r\n"));
        assertNull(channel.readInbound());

        channel.pipeline().get(UpgradeAwareRequestDecoder.class).resume();
        assertRequest("/next");
        channel.finishAndReleaseAll();
    }

    @Test
    void ordinaryRequestsAreNotHeldBack() {
        channel.writeInbound(ascii("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertRequest("/a");
        assertRequest("/b");
        int readsBefore = reads;
        channel.writeInbound(ascii("GET /c HTTP/1.1\r\n"));
        assertEquals(readsBefore + 1, reads, "a decoder that is not paused asks for the rest of a request");
        channel.finishAndReleaseAll();
    }

    private void assertRequest(String uri) {
        HttpRequest request = assertInstanceOf(HttpRequest.class, channel.readInbound());
        assertEquals(uri, request.uri());
        Object last = channel.readInbound();
        assertInstanceOf(LastHttpContent.class, last);
        ReferenceCountUtil.release(last);
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static String text(Object message) {
        ByteBuf bytes = assertInstanceOf(ByteBuf.class, message);
        try {
            return bytes.toString(StandardCharsets.US_ASCII);
        } finally {
            bytes.release();
        }
    }
}
