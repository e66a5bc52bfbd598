package dev.malt.integration.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An HTTP/1.1 client over a plain socket that sends exactly what it is told: repeated headers stay
 * repeated, the request target is not re-encoded, header blocks may be huge. One request per connection
 * ({@code Connection: close}).
 *
 * <pre>
 * HttpResponse r = RawHttp.get("/inspect?q=1").header("X-Foo", "a").header("X-Foo", "b").send(nginx.endpoint());
 * </pre>
 */
public final class RawHttp {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String method;
    private final String target;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private byte[] body;
    private Duration timeout = DEFAULT_TIMEOUT;

    private RawHttp(String method, String target) {
        this.method = method;
        this.target = target;
    }

    public static RawHttp request(String method, String target) {
        return new RawHttp(method, target);
    }

    public static RawHttp get(String target) {
        return new RawHttp("GET", target);
    }

    public static RawHttp post(String target) {
        return new RawHttp("POST", target);
    }

    /** Adds a header line; call it again with the same name to repeat the header. */
    public RawHttp header(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }

    /** Sets the body and its {@code Content-Type}; {@code Content-Length} is added when sending. */
    public RawHttp body(String contentType, byte[] bytes) {
        header("Content-Type", contentType);
        this.body = bytes;
        return this;
    }

    public RawHttp body(String contentType, String text) {
        return body(contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The path of the request target, without its query string. */
    public String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    public RawHttp timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** The request bytes: request line, Host (unless given), the headers, Content-Length, Connection: close. */
    public byte[] bytes(Endpoint to) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (headers.stream().noneMatch(h -> h.getKey().equalsIgnoreCase("Host"))) {
            head.append("Host: ").append(to.hostHeader()).append("\r\n");
        }
        for (Map.Entry<String, String> h : headers) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    public HttpResponse send(Endpoint to) {
        return exchange(to, bytes(to), "HEAD".equals(method), timeout);
    }

    /** Sends {@code raw} as is and reads one response. */
    public static HttpResponse exchange(Endpoint to, byte[] raw, boolean headRequest, Duration timeout) {
        try (Connection c = Connection.open(to, timeout)) {
            OutputStream out = c.out();
            try {
                out.write(raw);
                out.flush();
            } catch (IOException writeFailed) {
                // The server may have answered early (an error) and closed: that answer is what counts.
                try {
                    return HttpResponse.read(c.in(), headRequest);
                } catch (IOException noAnswer) {
                    writeFailed.addSuppressed(noAnswer);
                    throw writeFailed;
                }
            }
            return HttpResponse.read(c.in(), headRequest);
        } catch (IOException e) {
            throw new UncheckedIOException("HTTP exchange with " + to + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return method + " " + target;
    }
}
