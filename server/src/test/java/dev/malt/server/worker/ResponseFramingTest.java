package dev.malt.server.worker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseFramingTest {

    private static final boolean UWSGI = false;
    private static final boolean HTTP = true;

    @Test
    void aUwsgiResponseCarriesItsLengthAndNothingElse() {
        ResponseFraming framing = ResponseFraming.of(UWSGI, "HTTP/1.1", false, 200, 17, false, false);
        assertEquals(List.of("Content-Length: 17"), framing.headerLines);
        assertTrue(framing.bodyAllowed);
        assertFalse(framing.chunked, "the frontend frames the body for its client");
        assertFalse(framing.keepAlive, "a uwsgi connection carries one request");

        assertEquals(List.of(), ResponseFraming.of(UWSGI, "HTTP/1.1", false, 200, -1, false, false).headerLines);
    }

    @Test
    void headAnd304KeepTheLengthAGetWouldHaveButNoBody() {
        ResponseFraming head = ResponseFraming.of(HTTP, "HTTP/1.1", true, 200, 1234, true, false);
        assertEquals(List.of("Content-Length: 1234"), head.headerLines);
        assertFalse(head.bodyAllowed);
        assertTrue(head.keepAlive);

        ResponseFraming notModified = ResponseFraming.of(HTTP, "HTTP/1.1", false, 304, 99, true, false);
        assertEquals(List.of("Content-Length: 99"), notModified.headerLines);
        assertFalse(notModified.bodyAllowed);
    }

    @Test
    void noContentAndInformationalStatusesCarryNoLengthAndAreNeverChunked() {
        for (int status : new int[] {204, 103}) {
            ResponseFraming framing = ResponseFraming.of(HTTP, "HTTP/1.1", false, status, 0, true, false);
            assertEquals(List.of(), framing.headerLines, "status " + status);
            assertFalse(framing.bodyAllowed);
            assertFalse(framing.chunked);
        }
    }

    @Test
    void anUnknownLengthIsChunkedOnHttp11AndClosesOnHttp10() {
        ResponseFraming http11 = ResponseFraming.of(HTTP, "HTTP/1.1", false, 200, -1, true, false);
        assertEquals(List.of("Transfer-Encoding: chunked"), http11.headerLines);
        assertTrue(http11.chunked && http11.keepAlive);

        ResponseFraming closing11 = ResponseFraming.of(HTTP, "HTTP/1.1", false, 200, -1, false, false);
        assertEquals(List.of("Transfer-Encoding: chunked", "Connection: close"), closing11.headerLines,
                "chunked even when closing, so the client sees a clean end");

        ResponseFraming http10 = ResponseFraming.of(HTTP, "HTTP/1.0", false, 200, -1, true, false);
        assertEquals(List.of("Connection: close"), http10.headerLines);
        assertFalse(http10.chunked || http10.keepAlive);

        ResponseFraming known10 = ResponseFraming.of(HTTP, "HTTP/1.0", false, 200, 5, true, false);
        assertEquals(List.of("Content-Length: 5", "Connection: keep-alive"), known10.headerLines);
    }

    @Test
    void a101ToAnUpgradeRequestSwitchesTheConnection() {
        ResponseFraming framing = ResponseFraming.of(HTTP, "HTTP/1.1", false, 101, -1, true, true);
        assertEquals(List.of("Connection: Upgrade"), framing.headerLines);
        assertTrue(framing.switching && framing.keepAlive);
        assertFalse(ResponseFraming.of(HTTP, "HTTP/1.1", false, 101, -1, true, false).switching,
                "a 101 nobody asked to upgrade for switches nothing");
    }

    @Test
    void chunksAndTheLastChunkWithTrailers() {
        ResponseFraming framing = ResponseFraming.of(HTTP, "HTTP/1.1", false, 200, -1, true, false);
        ByteBuf out = Unpooled.buffer();
        byte[] body = "hello, world".getBytes(StandardCharsets.US_ASCII);
        framing.writeBody(out, body, 7, 5);
        assertEquals("5\r\nworld\r\n", out.toString(StandardCharsets.US_ASCII));
        assertEquals(out.readableBytes() - 5, framing.overhead(5));
        out.release();

        assertEquals("0\r\n\r\n", new String(ResponseFraming.lastChunk(Map.of()), StandardCharsets.US_ASCII));
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put("Digest\r\nX", "sha-256=abc\r\nInjected: 1");
        assertEquals("0\r\nDigestX: sha-256=abc  Injected: 1\r\n\r\n",
                new String(ResponseFraming.lastChunk(trailers), StandardCharsets.US_ASCII),
                "no trailer can end the block or add a field");
    }
}
