package dev.malt.integration.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.x response as it came off the wire: status, every header in order (repeats kept), and the
 * body bytes with any chunked encoding removed.
 */
public final class HttpResponse {

    private static final int MAX_HEAD = 256 * 1024;

    private final String statusLine;
    private final int status;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;
    private final boolean chunked;

    private HttpResponse(String statusLine, int status, List<Map.Entry<String, String>> headers, byte[] body, boolean chunked) {
        this.statusLine = statusLine;
        this.status = status;
        this.headers = List.copyOf(headers);
        this.body = body;
        this.chunked = chunked;
    }

    /**
     * Reads one response. The body is delimited by chunked encoding, Content-Length, or the end of the
     * stream, in that order; a response to HEAD, 1xx, 204 and 304 have none.
     */
    public static HttpResponse read(InputStream in, boolean headRequest) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before any response");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: '" + statusLine + "'");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status code in '" + statusLine + "'");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        int headSize = statusLine.length();
        while (true) {
            String line = line(in);
            if (line == null) {
                throw new EOFException("connection closed inside the response headers after: " + statusLine + " " + headers);
            }
            if (line.isEmpty()) {
                break;
            }
            headSize += line.length();
            if (headSize > MAX_HEAD) {
                throw new IOException("response header block over " + MAX_HEAD + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed response header line: '" + line + "'");
            }
            headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        HttpResponse head = new HttpResponse(statusLine, status, headers, new byte[0], false);
        if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
            return head;
        }
        String te = head.header("Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new HttpResponse(statusLine, status, headers, dechunk(in), true);
        }
        String length = head.header("Content-Length");
        if (length != null) {
            int n = Integer.parseInt(length.trim());
            return new HttpResponse(statusLine, status, headers, in.readNBytes(n), false).requireLength(n);
        }
        return new HttpResponse(statusLine, status, headers, in.readAllBytes(), false);
    }

    private HttpResponse requireLength(int n) throws EOFException {
        if (body.length != n) {
            throw new EOFException("connection closed after " + body.length + " of " + n + " body bytes (Content-Length); "
                    + statusLine + " " + headers);
        }
        return this;
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            if (sizeLine == null) {
                throw new EOFException("connection closed inside a chunked body after " + body.size() + " bytes");
            }
            int semi = sizeLine.indexOf(';');
            String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size line '" + sizeLine + "' after " + body.size() + " body bytes");
            }
            if (size == 0) {
                String trailer;
                while ((trailer = line(in)) != null && !trailer.isEmpty()) {
                    // trailers are not kept
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new EOFException("connection closed inside a chunk");
            }
            body.write(chunk);
            String crlf = line(in);
            if (crlf == null || !crlf.isEmpty()) {
                throw new IOException("chunk of " + size + " bytes not followed by CRLF");
            }
        }
    }

    /** One line without its CRLF (or LF), decoded as ISO-8859-1; {@code null} at the end of the stream. */
    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
            if (sb.length() > MAX_HEAD) {
                throw new IOException("line over " + MAX_HEAD + " bytes");
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    public int status() {
        return status;
    }

    public String statusLine() {
        return statusLine;
    }

    /** Whether the body came with {@code Transfer-Encoding: chunked}. */
    public boolean wasChunked() {
        return chunked;
    }

    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** The first value of a header (name compared case-insensitively), or {@code null}. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** Every value of a header, in order. */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                values.add(h.getValue());
            }
        }
        return values;
    }

    public byte[] body() {
        return body.clone();
    }

    public int bodyLength() {
        return body.length;
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body of a ProbeServlet {@code /inspect} answer. */
    public Probe probe() {
        if (status != 200) {
            throw new AssertionError("expected a 200 /inspect answer, got:\n" + this);
        }
        return new Probe(Json.parseObject(text()), this);
    }

    /** Status line, headers and the start of the body, for failure messages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(statusLine).append('\n');
        for (Map.Entry<String, String> h : headers) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append('\n');
        }
        sb.append('\n');
        int shown = Math.min(body.length, 2000);
        String text = new String(body, 0, shown, StandardCharsets.UTF_8);
        sb.append(text.replaceAll("[\\x00-\\x08\\x0e-\\x1f]", "?"));
        if (shown < body.length) {
            sb.append("... (").append(body.length).append(" bytes in all)");
        }
        return sb.toString();
    }
}
