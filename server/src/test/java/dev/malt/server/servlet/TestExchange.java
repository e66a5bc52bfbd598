package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.internal.PercentDecoder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** An in-memory {@link GatewayExchange}: vars as a frontend would send them, a body, a recording channel. */
final class TestExchange implements GatewayExchange {

    private final UwsgiVars vars;
    private final InputStream body;
    final RecordingChannel channel = new RecordingChannel();

    TestExchange(UwsgiVars vars, byte[] body) {
        this.vars = vars;
        this.body = new ByteArrayInputStream(body);
    }

    TestExchange(UwsgiVars vars, InputStream body) {
        this.vars = vars;
        this.body = body;
    }

    /** Vars like nginx's Debian uwsgi_params send for {@code method uri}. */
    static UwsgiVars.Builder nginx(String method, String uri) {
        return nginx(method, uri, "", "");
    }

    /** The same, for a request with a body. */
    static UwsgiVars.Builder nginx(String method, String uri, String contentType, String contentLength) {
        int mark = uri.indexOf('?');
        String path = mark < 0 ? uri : uri.substring(0, mark);
        return UwsgiVars.builder()
                .add("QUERY_STRING", mark < 0 ? "" : uri.substring(mark + 1))
                .add("REQUEST_METHOD", method)
                .add("CONTENT_TYPE", contentType)
                .add("CONTENT_LENGTH", contentLength)
                .add("REQUEST_URI", uri)
                .add("PATH_INFO", percentDecode(path))
                .add("DOCUMENT_ROOT", "/srv/www/html")
                .add("SERVER_PROTOCOL", "HTTP/1.1")
                .add("REQUEST_SCHEME", "http")
                .add("REMOTE_ADDR", "127.0.0.1")
                .add("REMOTE_PORT", "56358")
                .add("SERVER_PORT", "18080")
                .add("SERVER_NAME", "localhost")
                .add("HTTP_HOST", "example.org:18080");
    }

    /** What nginx does to $document_uri: %XX to raw bytes. */
    static byte[] percentDecode(String path) {
        return PercentDecoder.decodeWireText(path).getBytes(StandardCharsets.ISO_8859_1);
    }

    static TestExchange of(UwsgiVars.Builder vars) {
        return new TestExchange(vars.build(), new byte[0]);
    }

    static TestExchange of(UwsgiVars.Builder vars, String body) {
        return new TestExchange(vars.build(), body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public UwsgiVars vars() {
        return vars;
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public ResponseChannel response() {
        return channel;
    }

    @Override
    public String connectionId() {
        return "conn-7";
    }

    /** A body stream that fails like a frontend that went away mid-body. */
    static InputStream brokenBody() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Connection reset by peer");
            }
        };
    }
}
