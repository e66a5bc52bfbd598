package dev.malt.server.servlet.internal;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The multipart parser on its own: parts, charsets, storage, limits, broken bodies. */
class FormDataParserTest {

    private static final MultipartConfigElement NO_LIMITS = new MultipartConfigElement("", -1, -1, 0);

    @TempDir
    Path tempDir;

    private final FormDataParser parser = new FormDataParser();

    private List<Part> parse(byte[] body) throws Exception {
        return parse(parser, body, NO_LIMITS, StandardCharsets.UTF_8);
    }

    private List<Part> parse(byte[] body, MultipartConfigElement config) throws Exception {
        return parse(parser, body, config, StandardCharsets.UTF_8);
    }

    private List<Part> parse(FormDataParser parser, byte[] body, MultipartConfigElement config, Charset charset)
            throws Exception {
        return new ArrayList<>(parser.parse(new ByteArrayInputStream(body), FormBody.contentType(), charset, config,
                tempDir));
    }

    private static String text(Part part) throws IOException {
        return new String(bytes(part), ((FormDataPart) part).charset());
    }

    private static byte[] bytes(Part part) throws IOException {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(tempDir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static boolean onDisk(Part part) {
        return ((FormDataPart) part).onDisk();
    }

    // ---- what a form sends

    @Test
    void fieldsAndFilesInTheOrderSent() throws Exception {
        byte[] body = new FormBody()
                .field("title", "Holiday")
                .file("photo", "beach.jpg", "image/jpeg", new byte[] {1, 2, 3})
                .field("title", "Second")
                .build();
        List<Part> parts = parse(body);

        assertEquals(3, parts.size());
        Part title = parts.get(0);
        assertEquals("title", title.getName());
        assertNull(title.getSubmittedFileName(), "a plain field has no filename");
        assertNull(title.getContentType());
        assertEquals("Holiday", text(title));
        assertEquals(7, title.getSize());

        Part photo = parts.get(1);
        assertEquals("photo", photo.getName());
        assertEquals("beach.jpg", photo.getSubmittedFileName());
        assertEquals("image/jpeg", photo.getContentType());
        assertEquals(3, photo.getSize());
        assertArrayEquals(new byte[] {1, 2, 3}, bytes(photo));
        assertArrayEquals(new byte[] {1, 2, 3}, bytes(photo), "getInputStream() can be read again");

        assertEquals("Second", text(parts.get(2)));
        assertThrows(UnsupportedOperationException.class, () -> parser.parse(new ByteArrayInputStream(body),
                FormBody.contentType(), StandardCharsets.UTF_8, NO_LIMITS, tempDir).clear(),
                "changes to the collection must not affect the request");
    }

    @Test
    void partHeadersAreKeptAsSentAndFoundIgnoringCase() throws Exception {
        byte[] body = new FormBody()
                .part("Content-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n"
                        + "Content-Type: text/plain\r\n"
                        + "X-Trace: one\r\n"
                        + "x-trace: two\r\n", "hello".getBytes(StandardCharsets.US_ASCII))
                .build();
        Part part = parse(body).get(0);

        assertEquals("text/plain", part.getHeader("CONTENT-TYPE"));
        assertEquals("one", part.getHeader("x-TRACE"), "the first of several");
        assertEquals(List.of("one", "two"), List.copyOf(part.getHeaders("X-Trace")));
        assertEquals(List.of(), List.copyOf(part.getHeaders("X-Missing")));
        assertNull(part.getHeader("X-Missing"));
        assertEquals(List.of("Content-Disposition", "Content-Type", "X-Trace"), List.copyOf(part.getHeaderNames()));
        assertEquals("form-data; name=\"doc\"; filename=\"a.txt\"", part.getHeader("content-disposition"));
        Collection<String> names = part.getHeaderNames();
        names.clear();
        assertEquals(3, part.getHeaderNames().size(), "changes to the returned collection do not reach the part");
    }

    @Test
    void namesAndFilenamesInUtf8() throws Exception {
        byte[] body = new FormBody(StandardCharsets.UTF_8)
                .field("prénom", "Zoë")
                .file("pièce", "résumé €.pdf", "application/pdf", new byte[] {9})
                .build();
        List<Part> parts = parse(body);

        assertEquals("prénom", parts.get(0).getName());
        assertEquals("Zoë", text(parts.get(0)));
        assertEquals("pièce", parts.get(1).getName());
        assertEquals("résumé €.pdf", parts.get(1).getSubmittedFileName());
    }

    @Test
    void theFormsCharsetFieldDecidesNamesAndTexts() throws Exception {
        // a windows-1252 page: the browser sends its _charset_ hidden field, the request names no charset
        byte[] body = new FormBody(Charset.forName("windows-1252"))
                .field("_charset_", "windows-1252")
                .field("café", "crème brûlée")
                .file("f", "reçu.txt", "text/plain", "x".getBytes(StandardCharsets.US_ASCII))
                .build();
        List<Part> parts = parse(parser, body, NO_LIMITS, StandardCharsets.UTF_8);

        assertEquals("_charset_", parts.get(0).getName());
        assertEquals("café", parts.get(1).getName());
        assertEquals("crème brûlée", text(parts.get(1)));
        assertEquals("reçu.txt", parts.get(2).getSubmittedFileName());
    }

    @Test
    void aFieldsOwnCharsetWinsForItsText() throws Exception {
        byte[] body = new FormBody()
                .part("Content-Disposition: form-data; name=\"note\"\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n",
                        "déjà".getBytes(StandardCharsets.ISO_8859_1))
                .field("other", "déjà")
                .build();
        List<Part> parts = parse(body);

        assertEquals("text/plain; charset=ISO-8859-1", parts.get(0).getContentType());
        assertEquals(StandardCharsets.ISO_8859_1, ((FormDataPart) parts.get(0)).charset());
        assertEquals("déjà", text(parts.get(0)));
        assertEquals("déjà", text(parts.get(1)), "no charset of its own: the request's (UTF-8)");
    }

    @Test
    void encodedFilenamesFromRfc5987() throws Exception {
        byte[] body = new FormBody()
                .part("Content-Disposition: form-data; name=\"a\"; filename=\"rates.txt\"; "
                        + "filename*=UTF-8''%E2%82%AC%20rates.txt\r\n", new byte[0])
                .part("Content-Disposition: form-data; name=\"b\"; filename*=utf-8''a+b%C3%A9.txt\r\n", new byte[0])
                .build();
        List<Part> parts = parse(body);

        assertEquals("€ rates.txt", parts.get(0).getSubmittedFileName());
        assertEquals("a+bé.txt", parts.get(1).getSubmittedFileName(), "'+' is a plus here, not a space");
    }

    @Test
    void namesAndFilenamesKeepSeparatorsAsSent() throws Exception {
        byte[] body = new FormBody()
                .file("items[0]=x", "a;b, c:d.txt", "text/plain", new byte[] {1})
                .build();
        Part part = parse(body).get(0);

        assertEquals("items[0]=x", part.getName());
        assertEquals("a;b, c:d.txt", part.getSubmittedFileName());
    }

    @Test
    void anEmptyFileInputAndAnEmptyFile() throws Exception {
        byte[] body = new FormBody()
                .file("nothing", "", "application/octet-stream", new byte[0]) // a file input left empty
                .file("empty", "empty.txt", "text/plain", new byte[0])
                .field("blank", "")
                .build();
        List<Part> parts = parse(body);

        assertEquals("", parts.get(0).getSubmittedFileName());
        assertEquals(0, parts.get(0).getSize());
        assertEquals("empty.txt", parts.get(1).getSubmittedFileName());
        assertEquals(0, bytes(parts.get(1)).length);
        assertEquals("", text(parts.get(2)));
        assertEquals(List.of(), files(), "nothing empty goes to disk, even with threshold 0");
    }

    @Test
    void binaryContentWithLineBreaksAndBoundaryLookalikes() throws Exception {
        byte[] content = new byte[200_000];
        new Random(7).nextBytes(content);
        byte[] tricky = ("\r\n--" + FormBody.BOUNDARY.substring(0, FormBody.BOUNDARY.length() - 1) + "\r\n\r\n--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(tricky, 0, content, 1000, tricky.length);
        System.arraycopy(tricky, 0, content, content.length - tricky.length, tricky.length); // right before the end
        byte[] crlfOnly = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = new FormBody()
                .file("blob", "blob.bin", "application/octet-stream", content)
                .file("crlf", "crlf.bin", "application/octet-stream", crlfOnly)
                .build();
        List<Part> parts = parse(body, new MultipartConfigElement("", -1, -1, 100));

        assertArrayEquals(content, bytes(parts.get(0)));
        assertTrue(onDisk(parts.get(0)));
        assertArrayEquals(crlfOnly, bytes(parts.get(1)));
        assertFalse(onDisk(parts.get(1)));
    }

    @Test
    void preambleAndEpilogueAreIgnored() throws Exception {
        byte[] body = new FormBody()
                .raw("This is the preamble, which RFC 2046 says to ignore.\r\n")
                .field("a", "1")
                .raw("--" + FormBody.BOUNDARY + "--\r\nand an epilogue, also ignored")
                .unterminated();
        List<Part> parts = parse(body);

        assertEquals(1, parts.size());
        assertEquals("1", text(parts.get(0)));
    }

    @Test
    void aNestedMultipartMixedIsOnePartAsSent() throws Exception {
        // RFC 7578 retired multipart/mixed inside a form; an app that still gets one can parse its content
        String nested = "--inner\r\nContent-Disposition: attachment; filename=\"one.txt\"\r\n\r\nfirst\r\n"
                + "--inner--";
        byte[] body = new FormBody()
                .part("Content-Disposition: form-data; name=\"files\"\r\n"
                        + "Content-Type: multipart/mixed; boundary=inner\r\n", nested.getBytes(StandardCharsets.US_ASCII))
                .build();
        List<Part> parts = parse(body);

        assertEquals(1, parts.size());
        assertEquals("files", parts.get(0).getName());
        assertEquals("multipart/mixed; boundary=inner", parts.get(0).getContentType());
        assertEquals(nested, new String(bytes(parts.get(0)), StandardCharsets.US_ASCII));
    }

    @Test
    void aPartThatIsNotFormDataIsSkippedButCounted() throws Exception {
        FormBody body = new FormBody()
                .part("Content-Disposition: attachment; filename=\"x.txt\"\r\n", new byte[] {1})
                .part("Content-Type: text/plain\r\n", new byte[] {2})
                .field("kept", "yes");
        List<Part> parts = parse(body.build());

        assertEquals(1, parts.size());
        assertEquals("yes", text(parts.get(0)));
        rejected(new FormDataParser(2, 1024, 1024), body.build(), NO_LIMITS);
    }

    @Test
    void anEmptyFormHasNoParts() throws Exception {
        assertEquals(List.of(), parse(new FormBody().build()));
    }

    // ---- where the content goes

    @Test
    void thresholdDecidesBetweenMemoryAndDisk() throws Exception {
        byte[] body = new FormBody()
                .file("small", "small.bin", "application/octet-stream", new byte[10])
                .file("large", "large.bin", "application/octet-stream", new byte[11])
                .build();
        List<Part> parts = parse(body, new MultipartConfigElement("up", -1, -1, 10));

        assertFalse(onDisk(parts.get(0)), "a part the size of the threshold stays in memory");
        assertTrue(onDisk(parts.get(1)), "a larger one goes to disk");
        Path file = ((FormDataPart) parts.get(1)).tempFile();
        assertEquals(tempDir.resolve("up"), file.getParent(), "a relative location is under the context temp dir");
        assertEquals(List.of(file), files());

        for (Part part : parts) {
            part.delete(); // what the request does when it ends
        }
        assertEquals(List.of(), files());
        assertThrows(IOException.class, parts.get(0)::getInputStream, "deleted means gone, in memory too");
    }

    @Test
    void thresholdZeroPutsEveryFileOnDiskButFieldsStayInMemory() throws Exception {
        byte[] body = new FormBody()
                .field("password", "secret")
                .file("f", "f.txt", "text/plain", new byte[] {1})
                .build();
        List<Part> parts = parse(body);

        assertFalse(onDisk(parts.get(0)), "a form field is no file: it does not go to disk");
        assertTrue(onDisk(parts.get(1)));
        assertEquals(tempDir, ((FormDataPart) parts.get(1)).tempFile().getParent(), "no location: the temp dir");
    }

    @Test
    void theRequestsMemoryBudgetSendsFurtherPartsToDisk() throws Exception {
        FormDataParser small = new FormDataParser(100, 1024, 25);
        byte[] body = new FormBody()
                .file("a", "a.bin", "application/octet-stream", new byte[10])
                .field("b", "0123456789")
                .file("c", "c.bin", "application/octet-stream", new byte[10])
                .field("d", "0123456789012345678901234567890")
                .build();
        List<Part> parts = parse(small, body, new MultipartConfigElement("", -1, -1, 1000), StandardCharsets.UTF_8);

        assertFalse(onDisk(parts.get(0)));
        assertFalse(onDisk(parts.get(1)));
        assertTrue(onDisk(parts.get(2)), "20 of 25 bytes used: 10 more do not fit");
        assertTrue(onDisk(parts.get(3)), "neither does a field");
        assertEquals("0123456789012345678901234567890", text(parts.get(3)));
    }

    @Test
    void writeStoresRelativeToTheLocationAndMovesTempFiles() throws Exception {
        byte[] body = new FormBody()
                .file("small", "s.txt", "text/plain", "tiny".getBytes(StandardCharsets.US_ASCII))
                .file("large", "l.txt", "text/plain", "larger content".getBytes(StandardCharsets.US_ASCII))
                .build();
        List<Part> parts = parse(body, new MultipartConfigElement("store", -1, -1, 4));
        Path temp = ((FormDataPart) parts.get(1)).tempFile();

        parts.get(0).write("kept-small.txt");
        parts.get(1).write("kept-large.txt");
        Path absolute = tempDir.resolve("elsewhere.txt");
        parts.get(0).write(absolute.toString());

        assertEquals("tiny", Files.readString(tempDir.resolve("store/kept-small.txt")));
        assertEquals("larger content", Files.readString(tempDir.resolve("store/kept-large.txt")));
        assertEquals("tiny", Files.readString(absolute));
        assertFalse(Files.exists(temp), "the temp file was moved, not copied");
        for (Part part : parts) {
            part.delete();
        }
        assertTrue(Files.exists(tempDir.resolve("store/kept-large.txt")), "what the app wrote is the app's");
    }

    @Test
    void aLargeUploadStreamsToDiskInBoundedMemory() throws Exception {
        long size = 64L * 1024 * 1024;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        InputStream body = new SequenceOfParts(size, sent);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        List<Part> parts = new ArrayList<>(parser.parse(body, FormBody.contentType(), StandardCharsets.UTF_8,
                NO_LIMITS, tempDir));

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(size, parts.get(0).getSize());
        assertTrue(allocated < size / 16, "parsing a 64 MiB upload allocated " + allocated + " bytes");
        MessageDigest stored = MessageDigest.getInstance("SHA-256");
        try (InputStream in = parts.get(0).getInputStream()) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                stored.update(buffer, 0, n);
            }
        }
        assertArrayEquals(sent.digest(), stored.digest());
        parts.get(0).delete();
        assertEquals(List.of(), files());
    }

    @Test
    void aBodyThatArrivesOneByteAtATime() throws Exception {
        byte[] content = new byte[5000];
        new Random(3).nextBytes(content);
        byte[] body = new FormBody()
                .field("name", "Zoë")
                .file("data", "d.bin", "application/octet-stream", content)
                .build();
        InputStream slow = new InputStream() {
            private final ByteArrayInputStream in = new ByteArrayInputStream(body);

            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len == 0 ? 0 : in.read(b, off, 1);
            }
        };
        List<Part> parts = new ArrayList<>(parser.parse(slow, FormBody.contentType(), StandardCharsets.UTF_8,
                new MultipartConfigElement("", -1, -1, 1000), tempDir));

        assertEquals("Zoë", text(parts.get(0)));
        assertArrayEquals(content, bytes(parts.get(1)));
    }

    // ---- limits: IllegalStateException (413 when the app lets it through), nothing left on disk

    private RequestRejectedException rejected(FormDataParser parser, byte[] body, MultipartConfigElement config)
            throws IOException {
        List<Path> before = files();
        RequestRejectedException e = assertThrows(RequestRejectedException.class, () -> parse(parser, body, config,
                StandardCharsets.UTF_8));
        assertInstanceOf(IllegalStateException.class, e, "the spec's exception for a limit");
        assertEquals(413, e.status());
        assertEquals(before, files(), "parts stored before the limit are deleted");
        return e;
    }

    @Test
    void maxFileSizeHoldsForEveryPart() throws Exception {
        MultipartConfigElement config = new MultipartConfigElement("", 10, -1, 0);
        byte[] fits = new FormBody()
                .file("a", "a.bin", "application/octet-stream", new byte[10])
                .field("b", "0123456789")
                .build();
        assertEquals(2, parse(fits, config).size());

        byte[] file = new FormBody()
                .file("a", "a.bin", "application/octet-stream", new byte[10])
                .file("big", "big.bin", "application/octet-stream", new byte[11])
                .build();
        assertEquals("getParts(): part 'big' (file 'big.bin') is larger than the servlet's maxFileSize of 10 bytes; "
                + "raise maxFileSize in @MultipartConfig or <multipart-config> to accept it",
                rejected(parser, file, config).getMessage());

        byte[] field = new FormBody().field("comment", "01234567890").build();
        assertTrue(rejected(parser, field, config).getMessage().startsWith("getParts(): part 'comment' is larger"));
    }

    @Test
    void maxRequestSizeHoldsForTheWholeBody() throws Exception {
        byte[] body = new FormBody()
                .file("a", "a.bin", "application/octet-stream", new byte[30_000])
                .file("b", "b.bin", "application/octet-stream", new byte[30_000])
                .build();
        List<Part> fits = parse(body, new MultipartConfigElement("", -1, body.length, 0));
        assertEquals(2, fits.size(), "exactly the limit");
        for (Part part : fits) {
            part.delete();
        }

        RequestRejectedException e = rejected(parser, body, new MultipartConfigElement("", -1, body.length - 1, 0));
        assertTrue(e.getMessage().contains("larger than the servlet's maxRequestSize of " + (body.length - 1)
                + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("(reached in or after part 'b')"), e.getMessage());
    }

    @Test
    void maltsOwnPartCountCapHoldsWithoutAppLimits() throws Exception {
        FormDataParser capped = new FormDataParser(3, 1024, 1024);
        FormBody three = new FormBody().field("a", "1").field("b", "2").file("c", "c.txt", "text/plain", new byte[1]);
        assertEquals(3, parse(capped, three.build(), NO_LIMITS, StandardCharsets.UTF_8).size());

        FormBody four = new FormBody().field("a", "1").field("b", "2").file("c", "c.txt", "text/plain", new byte[1])
                .field("d", "4");
        assertEquals("getParts(): the multipart body has more than 3 parts, Malt's limit per request",
                rejected(capped, four.build(), NO_LIMITS).getMessage());
    }

    @Test
    void maltsOwnPartHeaderCapHoldsWithoutAppLimits() throws Exception {
        FormDataParser capped = new FormDataParser(100, 200, 1024);
        byte[] body = new FormBody()
                .file("ok", "ok.txt", "text/plain", new byte[1])
                .part("Content-Disposition: form-data; name=\"x\"\r\nX-Padding: " + "p".repeat(300) + "\r\n",
                        new byte[1])
                .build();
        assertEquals("getParts(): the headers of part 2 are longer than Malt's limit of 200 bytes "
                + "(or never end with an empty line)", rejected(capped, body, NO_LIMITS).getMessage());

        byte[] endless = new FormBody().raw("--" + FormBody.BOUNDARY + "\r\nX-Never-Ends: " + "y".repeat(5000))
                .unterminated();
        rejected(capped, endless, NO_LIMITS);
    }

    // ---- bodies that are not multipart: ServletException (400 when the app lets it through)

    private ServletException malformed(byte[] body, String contentType) throws IOException {
        ServletException e = assertThrows(ServletException.class, () -> parser.parse(new ByteArrayInputStream(body),
                contentType, StandardCharsets.UTF_8, NO_LIMITS, tempDir));
        RequestRejectedException status = assertInstanceOf(RequestRejectedException.class, e.getCause());
        assertEquals(400, status.status());
        assertEquals(List.of(), files(), "parts stored before the failure are deleted");
        return e;
    }

    @Test
    void aContentTypeWithoutBoundary() throws Exception {
        ServletException e = malformed(new FormBody().field("a", "1").build(), "multipart/form-data");
        assertEquals("getParts(): the Content-Type names no boundary (multipart/form-data); a multipart/form-data "
                + "request needs '; boundary=...'", e.getMessage());
    }

    @Test
    void aBodyWithoutAnyBoundaryIsNotAnEmptyForm() throws Exception {
        ServletException e = malformed("just some text, no parts".getBytes(StandardCharsets.US_ASCII),
                FormBody.contentType());
        assertEquals("getParts(): the multipart body ended after 24 bytes before its closing boundary '--"
                + FormBody.BOUNDARY + "--'; the body is incomplete, or its boundary does not match the "
                + "Content-Type's", e.getMessage());
        malformed(new byte[0], FormBody.contentType());
        malformed(new FormBody().field("a", "1").build(), "multipart/form-data; boundary=other");
    }

    @Test
    void aBodyThatStopsInsideAPart() throws Exception {
        byte[] body = new FormBody()
                .file("first", "1.bin", "application/octet-stream", new byte[100])
                .raw("--" + FormBody.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"second\"; "
                        + "filename=\"2.bin\"\r\n\r\nhalf of the cont")
                .unterminated();
        ServletException e = malformed(body, FormBody.contentType());
        assertTrue(e.getMessage().startsWith("getParts(): the multipart body ended after " + body.length
                + " bytes, in part 'second', before its closing boundary"), e.getMessage());
    }

    @Test
    void aBodyThatStopsBetweenParts() throws Exception {
        byte[] afterDelimiter = new FormBody().field("a", "1").raw("--" + FormBody.BOUNDARY + "\r\n").unterminated();
        ServletException e = malformed(afterDelimiter, FormBody.contentType());
        assertTrue(e.getMessage().startsWith("getParts(): the multipart body ended after " + afterDelimiter.length
                + " bytes before its closing boundary"), e.getMessage());

        byte[] noDelimiter = new FormBody().field("a", "1").unterminated();
        e = malformed(noDelimiter, FormBody.contentType());
        assertTrue(e.getMessage().contains(", in part 'a',"), "without its delimiter the part may go on: "
                + e.getMessage());
    }

    @Test
    void garbageAfterABoundary() throws Exception {
        byte[] body = new FormBody().field("a", "1").raw("--" + FormBody.BOUNDARY + "garbage\r\n").build();
        ServletException e = malformed(body, FormBody.contentType());
        assertEquals("getParts(): the multipart body is malformed after part 'a': Unexpected characters follow "
                + "a boundary", e.getMessage());
    }

    @Test
    void theClientGoingAwayIsAnIoExceptionNotAMalformedBody() throws Exception {
        IOException reset = new IOException("Connection reset by peer");
        byte[] start = new FormBody().file("a", "a.bin", "application/octet-stream", new byte[20_000])
                .raw("--" + FormBody.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\nsome")
                .unterminated();
        for (int breakAt : new int[] {0, 10, 15_000, start.length}) {
            InputStream breaking = new InputStream() {
                private final InputStream in = new ByteArrayInputStream(start, 0, breakAt);

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b < 0) {
                        throw reset;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n < 0) {
                        throw reset;
                    }
                    return n;
                }
            };
            IOException e = assertThrows(IOException.class, () -> parser.parse(breaking, FormBody.contentType(),
                    StandardCharsets.UTF_8, NO_LIMITS, tempDir), "break at " + breakAt);
            assertSame(reset, e, "break at " + breakAt);
            assertEquals(List.of(), files(), "break at " + breakAt);
        }
    }

    @Test
    void anAbsoluteLocationMustExist() {
        Path missing = tempDir.resolve("no-such-dir");
        IOException e = assertThrows(IOException.class, () -> parse(new FormBody().field("a", "1").build(),
                new MultipartConfigElement(missing.toString(), -1, -1, 0)));
        assertEquals("getParts(): the multipart location " + missing + " is not a directory; create it, or fix "
                + "'location' in the servlet's @MultipartConfig or <multipart-config>", e.getMessage());
    }

    @Test
    void capsMustBeSensible() {
        assertThrows(IllegalArgumentException.class, () -> new FormDataParser(0, 1024, 0));
        assertThrows(IllegalArgumentException.class, () -> new FormDataParser(10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new FormDataParser(10, 1024, -1));
        assertNotNull(new FormDataParser(1, 64, 0));
    }

    /** A body of one file part of {@code size} pseudo-random bytes, made as it is read: never whole in memory. */
    private static final class SequenceOfParts extends InputStream {
        private final byte[] head = ("--" + FormBody.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"big\"; "
                + "filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        private final byte[] tail = ("\r\n--" + FormBody.BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        private final long size;
        private final MessageDigest digest;
        private final byte[] chunk = new byte[32 * 1024];
        private final Random random = new Random(11);
        private long position;

        SequenceOfParts(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long total = head.length + size + tail.length;
            if (position >= total) {
                return -1;
            }
            int n;
            if (position < head.length) {
                n = (int) Math.min(len, head.length - position);
                System.arraycopy(head, (int) position, b, off, n);
            } else if (position < head.length + size) {
                n = (int) Math.min(Math.min(len, chunk.length), head.length + size - position);
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, b, off, n);
                digest.update(b, off, n);
            } else {
                long at = position - head.length - size;
                n = (int) Math.min(len, tail.length - at);
                System.arraycopy(tail, (int) at, b, off, n);
            }
            position += n;
            return n;
        }
    }
}
