package dev.malt.server.cache;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.GatewayExchange;
import dev.malt.server.servlet.ResponseChannel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A request from a frontend and what the transport was told to send, with the HEAD rule a transport applies. */
final class FakeExchange implements GatewayExchange, ResponseChannel {

    private final UwsgiVars vars;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final CompletableFuture<FakeExchange> ended = new CompletableFuture<>();
    int status = -1;
    List<Map.Entry<String, String>> headers;
    long contentLength;
    boolean detached;
    boolean aborted;

    FakeExchange(UwsgiVars vars) {
        this.vars = vars;
    }

    static FakeExchange request(String method, String uri, String... headers) {
        UwsgiVars.Builder vars = UwsgiVars.builder().add("REQUEST_METHOD", method).add("REQUEST_URI", uri)
                .add("SERVER_PROTOCOL", "HTTP/1.1").add("HTTP_HOST", "shop.test");
        for (int i = 0; i < headers.length; i += 2) {
            vars.add(headers[i], headers[i + 1]);
        }
        return new FakeExchange(vars.build());
    }

    String header(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
                .orElse(null);
    }

    String text() {
        return body.toString(StandardCharsets.UTF_8);
    }

    @Override
    public UwsgiVars vars() {
        return vars;
    }

    @Override
    public InputStream body() {
        return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public ResponseChannel response() {
        return this;
    }

    @Override
    public void detach() {
        detached = true;
    }

    @Override
    public void writeHead(int status, String reason, List<Map.Entry<String, String>> headers, long contentLength) {
        this.status = status;
        this.headers = List.copyOf(headers);
        this.contentLength = contentLength;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (!"HEAD".equals(vars.get("REQUEST_METHOD"))) {
            body.write(bytes, offset, length);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void finish() {
        ended.complete(this);
    }

    @Override
    public void abort(Throwable cause) {
        aborted = true;
        ended.complete(this);
    }

    @Override
    public boolean isHeadWritten() {
        return status != -1;
    }
}
