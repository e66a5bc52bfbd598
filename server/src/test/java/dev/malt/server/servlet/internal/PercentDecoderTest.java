package dev.malt.server.servlet.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PercentDecoderTest {

    @Test
    void decodesBytesSoMultiByteCharactersComeOutWhole() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(PercentDecoder.decode(bytes("caf%C3%a9+x"), 0, 11, false, out));
        assertEquals("caf\u00e9+x", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void plusIsASpaceOnlyInFormData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PercentDecoder.decode(bytes("a+b%2B"), 0, 6, true, out);
        assertEquals("a b+", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void malformedEscapesAreKeptAndReported() {
        for (String text : new String[] {"%", "a%2", "%zz", "%g0", "100%"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertFalse(PercentDecoder.decode(bytes(text), 0, text.length(), false, out), text);
            assertEquals(text, out.toString(StandardCharsets.ISO_8859_1), text);
        }
    }

    @Test
    void decodesOnlyTheGivenRange() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertFalse(PercentDecoder.decode(bytes("x%41%42"), 1, 6, false, out), "the range cuts '%42' to '%4'");
        assertEquals("A%4", out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void wireTextComesBackOneCharAByte() {
        assertEquals("/caf\u00c3\u00a9 %zz", PercentDecoder.decodeWireText("/caf%C3%A9%20%zz"));
        assertEquals("/plain", PercentDecoder.decodeWireText("/plain"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
