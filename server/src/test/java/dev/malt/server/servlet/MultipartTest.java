package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.apps.EchoServlet;
import dev.malt.server.servlet.apps.UploadServlet;
import dev.malt.server.servlet.internal.FormBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uploads through the host to a servlet with {@code @MultipartConfig}, as a browser's form sends them. */
class MultipartTest {

    private static ServletHost upload;
    private static ServletHost echo;
    private static Path uploads;

    @BeforeAll
    static void start() {
        upload = Hosts.start(UploadServlet.class, "");
        echo = Hosts.start(EchoServlet.class, "");
        TestExchange where = TestExchange.of(TestExchange.nginx("GET", "/"));
        upload.handle(where);
        uploads = Path.of(where.channel.bodyText().substring("uploads=".length()));
    }

    @AfterAll
    static void stop() {
        upload.close();
        echo.close();
    }

    @AfterEach
    void nothingLeftBehind() throws IOException {
        assertEquals(List.of(), files(), "temp files outlive the request");
    }

    private static List<Path> files() throws IOException {
        if (!Files.isDirectory(uploads)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(uploads)) {
            return list.toList();
        }
    }

    private static TestExchange post(String uri, byte[] body) {
        return new TestExchange(vars(uri, body.length), body);
    }

    private static UwsgiVars vars(String uri, long contentLength) {
        return UwsgiVars.builder()
                .add("REQUEST_METHOD", "POST")
                .add("REQUEST_URI", uri)
                .add("PATH_INFO", uri)
                .add("QUERY_STRING", "")
                .add("CONTENT_TYPE", FormBody.contentType())
                .add("CONTENT_LENGTH", Long.toString(contentLength))
                .add("SERVER_NAME", "localhost")
                .build();
    }

    private static Map<String, String> run(ServletHost host, TestExchange exchange) {
        host.handle(exchange);
        assertEquals(200, exchange.channel.status, exchange.channel.bodyText());
        return Hosts.lines(exchange.channel.bodyText());
    }

    @Test
    void fieldsBecomeParametersAndFilesStayParts() throws IOException {
        byte[] photo = new byte[5000];
        new Random(1).nextBytes(photo);
        byte[] body = new FormBody()
                .field("title", "Ferien in Zürich")
                .field("tag", "lake")
                .file("photo", "see.jpg", "image/jpeg", photo)
                .file("notes", "notes.txt", "text/plain", "small".getBytes(StandardCharsets.US_ASCII))
                .field("tag", "mountain")
                .build();
        Map<String, String> r = run(upload, post("/", body));

        assertEquals("Ferien in Zürich", r.get("param:title"));
        assertEquals("lake|mountain", r.get("param:tag"));
        assertFalse(r.containsKey("param:photo"), "a file is no parameter");
        assertEquals("see.jpg|image/jpeg|5000", r.get("part:photo"));
        assertEquals("notes.txt|text/plain|5", r.get("part:notes"));
        assertEquals("1", r.get("filesInUploads"), "the photo is over the 1024-byte threshold, the notes are not");
        // and @AfterEach: the photo's temp file went with the request
    }

    @Test
    void theFormsCharsetFieldDecodesParameters() {
        Charset cp1252 = Charset.forName("windows-1252");
        byte[] body = new FormBody(cp1252)
                .field("_charset_", "windows-1252")
                .field("plat", "crème brûlée")
                .build();
        Map<String, String> r = run(upload, post("/", body));

        assertEquals("crème brûlée", r.get("param:plat"));
        assertEquals("windows-1252", r.get("param:_charset_"));
    }

    @Test
    void partWriteKeepsTheFileAfterTheRequest() throws IOException {
        byte[] content = new byte[3000];
        new Random(2).nextBytes(content);
        byte[] body = new FormBody().file("file", "keep.bin", "application/octet-stream", content).build();
        TestExchange exchange = post("/save", body);
        upload.handle(exchange);

        assertEquals("saved 3000", exchange.channel.bodyText());
        Path saved = uploads.resolve("saved-keep.bin");
        assertArrayEquals(content, Files.readAllBytes(saved), "relative to the multipart location");
        Files.delete(saved);
    }

    @Test
    void fieldsHeldAsParametersAreBoundedLikeAFormWhateverTheConfigAllows() {
        ServletHost unlimited = Hosts.start(dev.malt.server.servlet.apps.UnlimitedUploadServlet.class, "");
        try {
            int limit = dev.malt.server.servlet.internal.MaltHttpRequest.MAX_FORM_BYTES;
            TestExchange fits = post("/", new FormBody().field("text", "x".repeat(limit - 1024)).build());
            unlimited.handle(fits);
            assertEquals("length=" + (limit - 1024), fits.channel.bodyText());

            TestExchange over = post("/", new FormBody().field("text", "x".repeat(limit / 2))
                    .field("more", "y".repeat(limit / 2 + 1)).build());
            unlimited.handle(over);
            assertEquals(413, over.channel.status, over.channel.bodyText());
        } finally {
            unlimited.close();
        }
    }

    @Test
    void aFileOverMaxFileSizeIs413() {
        byte[] body = new FormBody()
                .field("a", "1")
                .file("big", "big.bin", "application/octet-stream", new byte[64 * 1024 + 1])
                .build();
        TestExchange exchange = post("/", body);
        upload.handle(exchange);

        assertEquals(413, exchange.channel.status);
    }

    @Test
    void theAppMayCatchTheLimitItself() {
        byte[] body = new FormBody().file("big", "big.bin", "application/octet-stream", new byte[70_000]).build();
        TestExchange exchange = post("/catch", body);
        upload.handle(exchange);

        assertEquals(200, exchange.channel.status);
        String failure = "RequestRejectedException:getParts(): part 'big' (file 'big.bin') is larger than the "
                + "servlet's maxFileSize of 65536 bytes; raise maxFileSize in @MultipartConfig or <multipart-config> "
                + "to accept it";
        assertEquals(failure + "\n" + failure, exchange.channel.bodyText(), "an IllegalStateException, twice");
    }

    @Test
    void aSecondGetPartsReportsTheSameFailure() {
        byte[] start = new FormBody().field("a", "1").unterminated();
        InputStream resetOnce = new InputStream() { // a connection reset, then the end of a closed stream
            private boolean reset;

            @Override
            public int read() throws IOException {
                if (!reset) {
                    reset = true;
                    throw new IOException("Connection reset by peer");
                }
                return -1;
            }
        };
        InputStream body = new SequenceInputStream(new ByteArrayInputStream(start), resetOnce);
        TestExchange exchange = new TestExchange(vars("/catch", 100_000), body);
        upload.handle(exchange);

        String failure = "ClientAbortException:client went away: Connection reset by peer";
        assertEquals(failure + "\n" + failure, exchange.channel.bodyText(),
                "the body is gone: a second call must not parse what is left of it");
    }

    @Test
    void aDeclaredLengthOverMaxRequestSizeIsRefusedUnread() {
        // reading this body would abort the response as a client that went away: a 413 proves it was not read
        TestExchange exchange = new TestExchange(vars("/", 300 * 1024), TestExchange.brokenBody());
        upload.handle(exchange);

        assertEquals(413, exchange.channel.status);
    }

    @Test
    void aMalformedBodyIs400() {
        TestExchange exchange = post("/", "no boundary in here".getBytes(StandardCharsets.US_ASCII));
        upload.handle(exchange);

        assertEquals(400, exchange.channel.status);
    }

    @Test
    void aClientThatGoesAwayMidUploadLeavesNothingBehind() {
        byte[] start = new FormBody()
                .file("first", "1.bin", "application/octet-stream", new byte[4000])
                .raw("--" + FormBody.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"second\"; "
                        + "filename=\"2.bin\"\r\n\r\n" + "x".repeat(3000))
                .unterminated();
        InputStream body = new SequenceInputStream(new ByteArrayInputStream(start), TestExchange.brokenBody());
        TestExchange exchange = new TestExchange(vars("/", 100_000), body);
        long exceptionsBefore = upload.exceptionCount();
        upload.handle(exchange);

        assertNotNull(exchange.channel.aborted, "the response is dropped, as for any client abort");
        assertEquals(exceptionsBefore, upload.exceptionCount(), "not logged as a servlet failure");
        // and @AfterEach: the first part's temp file is gone
    }

    @Test
    void withoutMultipartConfigTheBodyIsLeftToTheApp() {
        byte[] body = new FormBody().field("a", "1").build();
        Map<String, String> r = Hosts.echo(echo, post("/", body));

        assertTrue(r.get("parameterNames").isEmpty(), "no multipart config: no part parameters");
    }
}
