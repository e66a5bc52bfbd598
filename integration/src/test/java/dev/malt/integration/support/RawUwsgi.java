package dev.malt.integration.support;

import dev.malt.protocol.UwsgiPackets;
import dev.malt.protocol.UwsgiVars;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

/**
 * Speaks the uwsgi protocol to a Malt socket directly, the way nginx's {@code uwsgi_pass} does: one
 * request packet (header, vars, body) per connection, and a raw HTTP/1.x response back.
 */
public final class RawUwsgi {

    /** uWSGI's ping: modifier1 100, datasize 0, modifier2 0. */
    public static final byte[] PING = {100, 0, 0, 0};
    /** The answer to a ping: modifier1 100, datasize 0, modifier2 1. */
    public static final byte[] PONG = {100, 0, 0, 1};

    private RawUwsgi() {
    }

    /** Sends a ping and returns the (up to) 4 bytes that came back. */
    public static byte[] ping(Endpoint to, Duration timeout) throws IOException {
        try (Connection c = Connection.open(to, timeout)) {
            c.out().write(PING);
            c.out().flush();
            return c.in().readNBytes(4);
        }
    }

    /** Whether {@code to} answers a ping with {@link #PONG}. Any failure counts as no. */
    public static boolean answersPing(Endpoint to, Duration timeout) {
        try {
            return java.util.Arrays.equals(PONG, ping(to, timeout));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The vars nginx's Debian {@code uwsgi_params} would send for {@code method target} from 127.0.0.1;
     * add request headers as {@code HTTP_*} vars on the returned builder.
     */
    public static UwsgiVars.Builder vars(String method, String target) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? "" : target.substring(q + 1);
        return UwsgiVars.builder()
                .add("QUERY_STRING", query)
                .add("REQUEST_METHOD", method)
                .add("CONTENT_TYPE", "")
                .add("CONTENT_LENGTH", "")
                .add("REQUEST_URI", target)
                .add("PATH_INFO", percentDecode(path))
                .add("DOCUMENT_ROOT", "/srv/www/html")
                .add("SERVER_PROTOCOL", "HTTP/1.1")
                .add("REQUEST_SCHEME", "http")
                .add("REMOTE_ADDR", "127.0.0.1")
                .add("REMOTE_PORT", "40000")
                .add("SERVER_PORT", "80")
                .add("SERVER_NAME", "localhost")
                .add("HTTP_HOST", "localhost");
    }

    /** Sends one request packet and its body, and reads the HTTP response. */
    public static HttpResponse request(Endpoint to, UwsgiVars vars, byte[] body, Duration timeout) {
        return exchange(to, head(vars), body, timeout, in -> {
            try {
                return HttpResponse.read(in, "HEAD".equals(vars.get("REQUEST_METHOD")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Sends raw bytes (a hand-made, possibly malformed packet) and returns everything until the server closes. */
    public static byte[] exchangeRaw(Endpoint to, byte[] packet, Duration timeout) {
        return exchange(to, packet, new byte[0], timeout, in -> {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The packet header and vars block for {@code vars}, as bytes. */
    public static byte[] head(UwsgiVars vars) {
        ByteBuf buf = UwsgiPackets.requestHead(ByteBufAllocator.DEFAULT, vars);
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private static <T> T exchange(Endpoint to, byte[] head, byte[] body, Duration timeout, Function<InputStream, T> reader) {
        try (Connection c = Connection.open(to, timeout)) {
            OutputStream out = c.out();
            out.write(head);
            if (body != null && body.length > 0) {
                out.write(body);
            }
            out.flush();
            return reader.apply(c.in());
        } catch (IOException e) {
            throw new UncheckedIOException("uwsgi exchange with " + to + " failed: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("uwsgi exchange with " + to + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Percent-decoding as nginx does for {@code $document_uri}: bytes, kept as ISO-8859-1 chars. */
    private static String percentDecode(String path) {
        byte[] raw = path.getBytes(StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%' && i + 2 < raw.length) {
                out.write(Integer.parseInt(new String(raw, i + 1, 2, StandardCharsets.ISO_8859_1), 16));
                i += 2;
            } else {
                out.write(raw[i]);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
