package dev.malt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(NettyLeakCheck.class)
class UwsgiDecoderTest {

    // ---- well-formed input -------------------------------------------------------------------

    @Test
    void duplicateKeysAreKeptInOrder() {
        byte[] packet = packet(UwsgiVars.builder()
                .add("REQUEST_METHOD", "GET")
                .add("HTTP_COOKIE", "a=1")
                .add("HTTP_X_FOO", "bar")
                .add("HTTP_COOKIE", "b=2")
                .build(), new byte[0]);
        UwsgiVars vars = DecodeResult.feed(new UwsgiDecoder(), packet).onlyRequest().vars();
        assertEquals(List.of("a=1", "b=2"), vars.getAll("HTTP_COOKIE"));
        assertEquals("a=1", vars.get("HTTP_COOKIE"));
        assertEquals(4, vars.size());
    }

    @Test
    void valueBytesArePreservedAndDecodedAsLatin1() {
        byte[] utf8 = "/caf\u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] packet = packet(UwsgiVars.builder().add("PATH_INFO", utf8).build(), new byte[0]);
        UwsgiVars vars = DecodeResult.feed(new UwsgiDecoder(), packet).onlyRequest().vars();
        assertArrayEquals(utf8, vars.getRaw("PATH_INFO"));
        assertEquals(new String(utf8, StandardCharsets.ISO_8859_1), vars.get("PATH_INFO"));
    }

    @Test
    void emptyOrMissingContentLengthMeansNoBody() {
        for (UwsgiVars vars : List.of(
                UwsgiVars.builder().add("REQUEST_METHOD", "GET").build(),
                UwsgiVars.builder().add("CONTENT_LENGTH", "").build())) {
            DecodeResult result = DecodeResult.feed(new UwsgiDecoder(), packet(vars, new byte[0]));
            assertEquals(0, result.onlyRequest().contentLength());
            assertEquals(0, result.body.size());
        }
    }

    @Test
    void bodyIsPassedOnAsItArrivesNotBuffered() {
        byte[] body = new byte[10_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        byte[] packet = packet(UwsgiVars.builder().add("CONTENT_LENGTH", "10000").build(), body);
        EmbeddedChannel channel = new EmbeddedChannel(new UwsgiDecoder());
        int headLength = packet.length - body.length;
        channel.writeInbound(Unpooled.wrappedBuffer(packet, 0, headLength + 100));
        assertInstanceOf(UwsgiRequest.class, channel.readInbound());
        UwsgiContent first = channel.readInbound();
        assertEquals(100, first.content().readableBytes(), "the first 100 body bytes go out before the rest arrives");
        assertFalse(first.isLast());
        first.release();
        assertNull(channel.readInbound());

        channel.writeInbound(Unpooled.wrappedBuffer(packet, headLength + 100, body.length - 100));
        UwsgiContent rest = channel.readInbound();
        assertTrue(rest.isLast());
        assertEquals(body.length - 100, rest.content().readableBytes());
        rest.release();
        assertFalse(channel.finish());
    }

    @Test
    void bytesAfterTheRequestAreIgnored() {
        byte[] one = packet(UwsgiVars.builder().add("CONTENT_LENGTH", "3").build(), "abc".getBytes(StandardCharsets.US_ASCII));
        byte[] twice = new byte[one.length * 2];
        System.arraycopy(one, 0, twice, 0, one.length);
        System.arraycopy(one, 0, twice, one.length, one.length);
        DecodeResult result = DecodeResult.feed(new UwsgiDecoder(), twice);
        result.onlyRequest();
        assertEquals("abc", result.body.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void pingIsDecoded() {
        DecodeResult result = DecodeResult.feed(new UwsgiDecoder(), new byte[] {100, 0, 0, 0});
        assertEquals(List.of(new UwsgiPing(0)), result.pings);
        assertEquals(List.of(), result.requests);
        assertEquals(List.of(), result.errors);
    }

    @Test
    void pongIsTheFourBytesUwsgiExpects() {
        ByteBuf pong = UwsgiPackets.pong(Unpooled.buffer().alloc());
        byte[] bytes = new byte[4];
        pong.readBytes(bytes);
        pong.release();
        assertArrayEquals(new byte[] {0x64, 0x00, 0x00, 0x01}, bytes);
    }

    @Test
    void connectionClosedBeforeAnyByteIsNotAnError() {
        DecodeResult result = DecodeResult.feed(new UwsgiDecoder(), new byte[0]);
        assertEquals(List.of(), result.errors);
        assertEquals(List.of(), result.requests);
    }

    // ---- limits -------------------------------------------------------------------------------

    @Test
    void varsBlockOverBufferSizeIsTooLarge() {
        byte[] packet = packet(UwsgiVars.builder().add("HTTP_X_BIG", "x".repeat(20_000)).build(), new byte[0]);
        UwsgiTooLargeException error = DecodeResult.feed(new UwsgiDecoder(8192, 100), packet)
                .onlyError(UwsgiTooLargeException.class);
        assertEquals(UwsgiTooLargeException.Limit.VARS_BLOCK_SIZE, error.limit());
        assertEquals(8192, error.maximum());
        assertEquals(20_014, error.actual());
        assertTrue(error.getMessage().contains("buffer-size"), error.getMessage());
    }

    @Test
    void twentyKilobytesOfHeadersPassWithTheDefaultLimit() {
        UwsgiVars.Builder builder = UwsgiVars.builder();
        for (int i = 0; i < 200; i++) {
            builder.add("HTTP_X_HEADER_" + i, "v".repeat(85));
        }
        UwsgiVars vars = builder.build();
        assertTrue(vars.encodedSize() > 20 * 1024);
        assertEquals(200, DecodeResult.feed(new UwsgiDecoder(), packet(vars, new byte[0])).onlyRequest().vars().size());
    }

    @Test
    void tooManyVarsIsTooLarge() {
        UwsgiVars.Builder builder = UwsgiVars.builder();
        for (int i = 0; i < 11; i++) {
            builder.add("HTTP_X_" + i, "1");
        }
        UwsgiTooLargeException error = DecodeResult.feed(new UwsgiDecoder(65535, 10), packet(builder.build(), new byte[0]))
                .onlyError(UwsgiTooLargeException.class);
        assertEquals(UwsgiTooLargeException.Limit.VARS_COUNT, error.limit());
        assertTrue(error.getMessage().contains("max-vars"), error.getMessage());
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new UwsgiDecoder(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new UwsgiDecoder(65536, 10));
        assertThrows(IllegalArgumentException.class, () -> new UwsgiDecoder(4096, 0));
    }

    // ---- malformed input ----------------------------------------------------------------------

    @Test
    void zeroLengthKey() {
        byte[] block = {0, 0, 1, 0, 'x'};
        assertMalformed(rawPacket(block), "length 0");
    }

    @Test
    void keyOverrunningTheBlock() {
        byte[] block = {10, 0, 'A', 'B', 0, 0};
        assertMalformed(rawPacket(block), "overruns the block");
    }

    @Test
    void valueOverrunningTheBlock() {
        byte[] block = {1, 0, 'A', 9, 0, 'x', 'y'};
        assertMalformed(rawPacket(block), "overruns the block");
    }

    @Test
    void valueLengthCutOff() {
        byte[] block = {1, 0, 'A', 9};
        assertMalformed(rawPacket(block), "cut off");
    }

    @Test
    void truncatedVarsBlock() {
        byte[] packet = packet(UwsgiVars.builder().add("REQUEST_METHOD", "GET").build(), new byte[0]);
        byte[] truncated = java.util.Arrays.copyOf(packet, packet.length - 3);
        assertMalformed(truncated, "truncated vars block");
    }

    @Test
    void truncatedHeader() {
        assertMalformed(new byte[] {0, 10}, "inside the 4-byte header");
    }

    @Test
    void dataSizeZero() {
        assertMalformed(new byte[] {0, 0, 0, 0}, "datasize 0");
    }

    @Test
    void nonNumericContentLength() {
        for (String bad : List.of("12a", "-1", " 5", "0x10", "99999999999999999999")) {
            byte[] packet = packet(UwsgiVars.builder().add("CONTENT_LENGTH", bad).build(), new byte[0]);
            assertMalformed(packet, "CONTENT_LENGTH");
        }
    }

    @Test
    void eofBeforeTheBodyIsComplete() {
        byte[] packet = packet(UwsgiVars.builder().add("CONTENT_LENGTH", "100").build(), new byte[40]);
        DecodeResult result = DecodeResult.feed(new UwsgiDecoder(), packet);
        assertEquals(1, result.requests.size(), "the request head was delivered before the body broke off");
        assertEquals(40, result.body.size());
        UwsgiProtocolException error = result.onlyError(UwsgiProtocolException.class);
        assertTrue(error.getMessage().contains("after 40 of 100 body bytes"), error.getMessage());
    }

    @Test
    void unsupportedModifierIsNamed() {
        UwsgiUnsupportedModifierException error = DecodeResult.feed(new UwsgiDecoder(), new byte[] {30, 5, 0, 0, 1, 2, 3, 4, 5})
                .onlyError(UwsgiUnsupportedModifierException.class);
        assertEquals(30, error.modifier1());
        assertTrue(error.getMessage().contains("modifier1 30"), error.getMessage());
    }

    @Test
    void malformedInputIsFedByteByByteToo() {
        byte[] block = {1, 0, 'A', 9, 0, 'x', 'y'};
        DecodeResult result = DecodeResult.feedByteByByte(new UwsgiDecoder(), rawPacket(block));
        assertTrue(result.onlyError(UwsgiProtocolException.class).getMessage().contains("overruns"));
    }

    @Test
    void afterAnErrorEverythingElseIsDiscarded() {
        EmbeddedChannel channel = new EmbeddedChannel(new UwsgiDecoder());
        assertThrows(UwsgiProtocolException.class, () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0})));
        ByteBuf more = Unpooled.wrappedBuffer(packet(UwsgiVars.builder().add("A", "b").build(), new byte[0]));
        channel.writeInbound(more);
        assertEquals(0, more.refCnt(), "discarded input is released");
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    private static void assertMalformed(byte[] packet, String expectedInMessage) {
        DecodeResult result = DecodeResult.feed(new UwsgiDecoder(), packet);
        UwsgiProtocolException error = result.onlyError(UwsgiProtocolException.class);
        assertFalse(error instanceof UwsgiTooLargeException);
        assertTrue(error.getMessage().contains(expectedInMessage),
                () -> "'" + error.getMessage() + "' should mention '" + expectedInMessage + "'");
    }

    static byte[] packet(UwsgiVars vars, byte[] body) {
        ByteBuf head = UwsgiPackets.requestHead(Unpooled.buffer().alloc(), vars);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] headBytes = new byte[head.readableBytes()];
        head.readBytes(headBytes);
        head.release();
        out.writeBytes(headBytes);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] rawPacket(byte[] block) {
        byte[] packet = new byte[4 + block.length];
        packet[1] = (byte) block.length;
        packet[2] = (byte) (block.length >>> 8);
        System.arraycopy(block, 0, packet, 4, block.length);
        return packet;
    }
}
