package dev.malt.server.servlet.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Builds {@code multipart/form-data} bodies byte by byte, as browsers and HTTP clients send them. */
public final class FormBody {

    public static final String BOUNDARY = "----MaltBoundary7MA4YWxkTrZu0gW";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Charset headerCharset;

    public FormBody() {
        this(StandardCharsets.UTF_8);
    }

    /** @param headerCharset how names and filenames are written, as a browser writes them in the page's charset */
    public FormBody(Charset headerCharset) {
        this.headerCharset = headerCharset;
    }

    public static String contentType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    public FormBody field(String name, String value) {
        return part("Content-Disposition: form-data; name=\"" + name + "\"\r\n", value.getBytes(headerCharset));
    }

    public FormBody file(String name, String fileName, String contentType, byte[] content) {
        return part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: " + contentType + "\r\n", content);
    }

    /** A part with these header lines (each ending in CRLF) and this content. */
    public FormBody part(String headerLines, byte[] content) {
        write(("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        write((headerLines + "\r\n").getBytes(headerCharset));
        write(content);
        write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    public FormBody raw(String text) {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /** The body with its closing boundary. */
    public byte[] build() {
        raw("--" + BOUNDARY + "--\r\n");
        return out.toByteArray();
    }

    /** The body so far, without a closing boundary: a client that stopped sending. */
    public byte[] unterminated() {
        return out.toByteArray();
    }

    private void write(byte[] bytes) {
        out.write(bytes, 0, bytes.length);
    }
}
