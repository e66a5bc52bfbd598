package dev.malt.server.servlet.internal;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Encodes the app's chars straight into {@link ResponseOutput}, so buffer size, commit and reset
 * rules apply to writer output byte for byte. (An OutputStreamWriter would hold up to 8 KiB of its
 * own that a buffer reset could not discard.) Only a lone high surrogate at the end of a write waits
 * for the next one; unmappable chars become the charset's replacement ('?').
 */
final class ResponseWriter extends Writer {

    private final ResponseOutput output;
    private final CharsetEncoder encoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(1024);
    private final char[] pair = new char[2];
    private final char[] chunk = new char[512];
    private boolean pendingHighSurrogate;
    /** The response closed (a forward returned, or the app is done): later chars are ignored, as bytes are. */
    private boolean ended;

    ResponseWriter(ResponseOutput output, Charset charset) {
        this.output = output;
        this.encoder = charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        output.attach(this);
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        if (length <= 0 || ended) {
            return;
        }
        if (pendingHighSurrogate) {
            pendingHighSurrogate = false;
            pair[1] = chars[offset];
            encode(CharBuffer.wrap(pair, 0, 2), false);
            offset++;
            length--;
        }
        encode(CharBuffer.wrap(chars, offset, length), false);
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, chunk.length);
            text.getChars(offset, offset + n, chunk, 0);
            write(chunk, 0, n);
            offset += n;
            length -= n;
        }
    }

    @Override
    public void write(int c) throws IOException {
        chunk[0] = (char) c;
        write(chunk, 0, 1);
    }

    @Override
    public void flush() throws IOException {
        output.flush();
    }

    @Override
    public void close() throws IOException {
        output.close();
    }

    /** Encodes what is still pending; called once when the response closes. */
    void endOfInput() throws IOException {
        ended = true; // the encoder is flushed below and cannot encode again
        CharBuffer rest = pendingHighSurrogate ? CharBuffer.wrap(pair, 0, 1) : CharBuffer.allocate(0);
        pendingHighSurrogate = false;
        encode(rest, true);
        while (encoder.flush(bytes).isOverflow()) {
            drain();
        }
        drain();
    }

    /** Forgets pending chars: the buffer they belonged to was reset. */
    void discardPending() {
        pendingHighSurrogate = false;
        encoder.reset();
        bytes.clear();
    }

    private void encode(CharBuffer chars, boolean endOfInput) throws IOException {
        while (true) {
            CoderResult result = encoder.encode(chars, bytes, endOfInput);
            drain();
            if (!result.isOverflow()) {
                break;
            }
        }
        if (chars.hasRemaining()) {
            // only a trailing high surrogate stays unconsumed: keep it for the next write
            pair[0] = chars.get();
            pendingHighSurrogate = true;
        }
    }

    private void drain() throws IOException {
        bytes.flip();
        if (bytes.hasRemaining()) {
            output.write(bytes.array(), bytes.position(), bytes.remaining());
        }
        bytes.clear();
    }
}
