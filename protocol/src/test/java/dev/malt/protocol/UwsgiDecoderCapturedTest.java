package dev.malt.protocol;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every packet captured from real nginx and Apache decodes the same, however the bytes are split. */
@ExtendWith(NettyLeakCheck.class)
class UwsgiDecoderCapturedTest {

    static List<CapturedRequests.Captured> captured() {
        return CapturedRequests.load();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captured")
    void decodesWholePacket(CapturedRequests.Captured capture) {
        assertDecoded(capture, DecodeResult.feed(new UwsgiDecoder(), capture.packet()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captured")
    void decodesPacketSplitAtEveryByteBoundary(CapturedRequests.Captured capture) {
        byte[] packet = capture.packet();
        for (int split = 1; split < packet.length; split++) {
            assertDecoded(capture, DecodeResult.feed(new UwsgiDecoder(), packet, split));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captured")
    void decodesPacketFedByteByByte(CapturedRequests.Captured capture) {
        assertDecoded(capture, DecodeResult.feedByteByByte(new UwsgiDecoder(), capture.packet()));
    }

    private static void assertDecoded(CapturedRequests.Captured capture, DecodeResult result) {
        UwsgiRequest request = result.onlyRequest();
        assertEquals(capture.modifier1(), request.modifier1());
        assertEquals(capture.modifier2(), request.modifier2());
        UwsgiVars vars = request.vars();
        assertEquals(capture.dataSize(), vars.encodedSize());
        assertEquals(capture.vars().size(), vars.size(), "every pair is kept, duplicates included");
        for (int i = 0; i < vars.size(); i++) {
            assertEquals(capture.vars().get(i).getKey(), vars.name(i), "name of pair " + i);
            assertEquals(capture.vars().get(i).getValue(), vars.value(i), "value of pair " + i);
        }
        assertEquals(capture.body().length, request.contentLength());
        assertArrayEquals(capture.body(), result.body.toByteArray());
    }
}
