package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.core.MultipartParser;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemHeaders;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.core.MultipartInput;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@code multipart/form-data} for {@code getParts()}, on Apache Commons FileUpload's streaming parser
 * ({@link MultipartInput}: boundary scanning; header blocks with folding; Content-Disposition
 * parameters with RFC 2231 / 5987 {@code filename*}) and its {@link DiskFileItem} (memory below a
 * threshold, a temp file above). Malt adds what the servlet spec and a shared worker need: limits,
 * charsets, strict framing and cleanup. The body is read once, through two buffers of
 * {@link #COPY_BUFFER_BYTES}, so memory stays bounded whatever the upload's size.
 *
 * <p><b>Framing</b> (RFC 2046 section 5.1.1). A preamble before the first delimiter and an epilogue
 * after the closing one are ignored; anything else that is not a delimiter, or a body that ends before
 * the closing delimiter, is malformed. A part that is not {@code form-data} has no name and is
 * skipped (it still counts against {@code maxParts}). A {@code multipart/mixed} part, which RFC 7578
 * retired, is one part whose content is the nested body as sent.
 *
 * <p><b>Storage.</b> A file part stays in memory while it is no larger than the servlet's
 * {@code fileSizeThreshold} and goes to a temp file in the multipart location beyond that (0, the
 * spec's default, puts every non-empty file on disk). A field without a filename stays in memory.
 * Either way the parts held in memory by one request add up to at most {@code maxMemoryBytes}; past
 * that, parts go to disk whatever the threshold. The location is the config's, resolved against the
 * context's temp dir when relative ({@link File#isAbsolute()}, as the spec says); an absolute one
 * must exist.
 *
 * <p><b>Limits.</b> {@code maxRequestSize} (the body) and {@code maxFileSize} (each part, with or
 * without a filename) come from the servlet, -1 for none. Malt's own caps hold even then: at most
 * {@code maxParts} parts and {@code maxPartHeaderBytes} of headers per part. Each throws
 * {@link RequestRejectedException}: an {@link IllegalStateException} as the spec wants, which the host
 * answers with 413 when the app lets it through.
 *
 * <p><b>Charsets</b> (RFC 7578 sections 4.6 and 5.1). Part headers, and so names and filenames, are in
 * the form's charset: the value of its {@code _charset_} field when it has one (browsers send it for
 * a hidden input of that name), else the request's. A field's text is in its own Content-Type
 * charset, else the form's; {@link FormDataPart#charset()} says which.
 *
 * <p><b>Failures.</b> A malformed or truncated body throws {@link ServletException} whose cause is a
 * {@link RequestRejectedException} with status 400, so the host answers 400 when the app does not
 * catch it. An IOException from the body stream (the client went away) propagates unchanged. Whatever
 * fails, the temp files written so far are deleted before the exception leaves.
 */
public final class FormDataParser implements MultipartParser {

    /** Parts per request. Like Tomcat's parameter count limit: a form with more is an attack. */
    public static final int DEFAULT_MAX_PARTS = 1000;
    /** Header bytes per part: a Content-Disposition with a long non-ASCII filename fits many times over. */
    public static final int DEFAULT_MAX_PART_HEADER_BYTES = 8 * 1024;
    /** Bytes of parts in memory per request: what a urlencoded form may hold. */
    public static final long DEFAULT_MAX_MEMORY_BYTES = MaltHttpRequest.MAX_FORM_BYTES;

    static final int COPY_BUFFER_BYTES = 8 * 1024;
    /** RFC 2046 section 5.1.1. */
    private static final int MAX_BOUNDARY_LENGTH = 70;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final String CHARSET_FIELD = "_charset_";
    /** A charset name is short; a longer {@code _charset_} value is ignored. */
    private static final int MAX_CHARSET_FIELD_BYTES = 64;

    private final int maxParts;
    private final int maxPartHeaderBytes;
    private final long maxMemoryBytes;

    /** With the documented defaults. */
    public FormDataParser() {
        this(DEFAULT_MAX_PARTS, DEFAULT_MAX_PART_HEADER_BYTES, DEFAULT_MAX_MEMORY_BYTES);
    }

    /**
     * @param maxParts           parts per request (at least 1)
     * @param maxPartHeaderBytes header bytes per part, the blank line that ends them included (at least 64)
     * @param maxMemoryBytes     bytes of parts one request may hold in memory (0: every non-empty part on disk)
     */
    public FormDataParser(int maxParts, int maxPartHeaderBytes, long maxMemoryBytes) {
        if (maxParts < 1 || maxPartHeaderBytes < 64 || maxMemoryBytes < 0) {
            throw new IllegalArgumentException("maxParts " + maxParts + " must be >= 1, maxPartHeaderBytes "
                    + maxPartHeaderBytes + " >= 64, maxMemoryBytes " + maxMemoryBytes + " >= 0");
        }
        this.maxParts = maxParts;
        this.maxPartHeaderBytes = maxPartHeaderBytes;
        this.maxMemoryBytes = maxMemoryBytes;
    }

    @Override
    public Collection<Part> parse(InputStream body, String contentType, Charset charset, MultipartConfigElement config,
                                  Path tempDir) throws IOException, ServletException {
        Upload upload = new Upload();
        byte[] boundary = upload.getBoundary(contentType);
        if (boundary == null || boundary.length == 0) {
            throw malformed(ServletMessages.multipartNoBoundary(contentType));
        }
        if (boundary.length > MAX_BOUNDARY_LENGTH) {
            throw malformed(ServletMessages.multipartBoundaryTooLong(boundary.length, MAX_BOUNDARY_LENGTH));
        }
        Path location = location(config.getLocation(), tempDir);
        Body source = new Body(body, config.getMaxRequestSize());
        List<Stored> stored = new ArrayList<>();
        boolean complete = false;
        try {
            try {
                readParts(upload, boundary, source, config, location, stored);
            } catch (StoreFailedException e) {
                throw e;
            } catch (IOException e) {
                if (source.failure != null) {
                    throw source.failure; // the client went away: not the body's fault
                }
                if (source.ended) {
                    throw malformed(ServletMessages.multipartTruncated(
                            new String(boundary, StandardCharsets.ISO_8859_1), source.count,
                            source.inPart ? source.part : null));
                }
                throw malformed(ServletMessages.multipartMalformed(detail(e), lastName(stored)));
            } catch (RequestRejectedException e) {
                throw e;
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the library's word for a header block it cannot split
                throw malformed(ServletMessages.multipartMalformed(e.getMessage(), lastName(stored)));
            }
            List<Part> parts = finish(upload, stored, charset, location);
            complete = true;
            return parts;
        } finally {
            if (!complete) {
                for (Stored s : stored) {
                    deleteQuietly(s.content);
                }
            }
        }
    }

    private void readParts(Upload upload, byte[] boundary, Body source, MultipartConfigElement config,
                           Path location, List<Stored> stored) throws IOException {
        // Every delimiter, the first one included, is then CRLF "--" boundary: the preamble before it is
        // skipped like a part's content, and a malformed first delimiter fails like any other (the
        // library's skipPreamble() would take it for an empty form).
        MultipartInput input = MultipartInput.builder()
                .setInputStream(new SequenceInputStream(new ByteArrayInputStream(CRLF), source))
                .setBoundary(boundary)
                .setBufferSize(COPY_BUFFER_BYTES)
                .setMaxPartHeaderSize(maxPartHeaderBytes)
                .get();
        input.setHeaderCharset(StandardCharsets.ISO_8859_1); // see PartHeaders#decode
        long memoryLeft = maxMemoryBytes;
        int fileThreshold = Math.max(0, config.getFileSizeThreshold());
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        int seen = 0;
        input.discardBodyData();
        for (boolean more = input.readBoundary(); more; more = input.readBoundary()) {
            if (seen == maxParts) {
                throw new RequestRejectedException(413, ServletMessages.multipartTooManyParts(maxParts));
            }
            PartHeaders headers;
            try {
                headers = (PartHeaders) upload.getParsedHeaders(input.readHeaders());
            } catch (FileUploadSizeException e) {
                throw new RequestRejectedException(413, ServletMessages.multipartHeadersTooLarge(maxPartHeaderBytes,
                        seen));
            }
            seen++;
            String name = upload.getFieldName(headers);
            if (name == null) {
                input.discardBodyData(); // not form-data (RFC 7578 says every part is): nothing to name it by
                continue;
            }
            String fileName = upload.getFileName(headers);
            long inMemoryUpTo = fileName == null ? memoryLeft : Math.min(fileThreshold, memoryLeft);
            DiskFileItem content = DiskFileItem.builder()
                    .setPath(location)
                    // it goes to disk once its size reaches the threshold: one more keeps "larger than" in memory
                    .setThreshold((int) Math.min(Integer.MAX_VALUE, inMemoryUpTo + 1))
                    .get();
            stored.add(new Stored(headers, name, fileName != null, content));
            source.part = name;
            source.inPart = true;
            copy(input.newInputStream(), content, buffer, config.getMaxFileSize(), name, fileName, location);
            source.inPart = false;
            if (content.isInMemory()) {
                memoryLeft -= content.getSize();
            }
        }
    }

    private static void copy(InputStream in, DiskFileItem content, byte[] buffer, long maxFileSize, String name,
                             String fileName, Path location) throws IOException {
        OutputStream out = content.getOutputStream();
        boolean closed = false;
        try {
            long size = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                size += n;
                if (maxFileSize >= 0 && size > maxFileSize) {
                    throw new RequestRejectedException(413,
                            ServletMessages.multipartPartTooLarge(name, fileName, maxFileSize));
                }
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw new StoreFailedException(ServletMessages.multipartStoreFailed(name, location, e), e);
                }
            }
            try {
                out.close();
            } catch (IOException e) {
                throw new StoreFailedException(ServletMessages.multipartStoreFailed(name, location, e), e);
            }
            closed = true;
        } finally {
            if (!closed) {
                try {
                    out.close();
                } catch (IOException e) {
                    // failing already; the file is deleted next
                }
            }
        }
    }

    /** Decodes the stored parts' headers and names now that the form's charset is known. */
    private static List<Part> finish(Upload upload, List<Stored> stored, Charset requestCharset, Path location)
            throws IOException {
        Charset formCharset = formCharset(stored, requestCharset);
        List<Part> parts = new ArrayList<>(stored.size());
        for (Stored s : stored) {
            PartHeaders headers = s.headers.decode(formCharset);
            String name = upload.getFieldName(headers);
            if (name == null) {
                name = s.rawName; // the form's charset made its header unreadable: keep the bytes as they came
            }
            String fileName = s.file ? upload.getFileName(headers) : null;
            String contentType = headers.getHeader(AbstractFileUpload.CONTENT_TYPE);
            Charset own = charsetOrNull(ContentTypes.charset(contentType));
            parts.add(new FormDataPart(name, fileName, contentType, headers, s.content, location,
                    own == null ? formCharset : own));
        }
        return List.copyOf(parts);
    }

    /** The value of the form's {@code _charset_} field, else the request's charset. */
    private static Charset formCharset(List<Stored> stored, Charset requestCharset) throws IOException {
        for (Stored s : stored) {
            if (!s.file && CHARSET_FIELD.equals(s.rawName) && s.content.getSize() <= MAX_CHARSET_FIELD_BYTES) {
                try (InputStream in = s.content.getInputStream()) {
                    Charset named = charsetOrNull(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).trim());
                    if (named != null) {
                        return named;
                    }
                }
            }
        }
        return requestCharset;
    }

    private static Charset charsetOrNull(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return null; // unknown or illegal: the client's mistake falls back to the form's charset
        }
    }

    private static Path location(String configured, Path tempDir) throws IOException {
        String location = configured == null ? "" : configured;
        if (new File(location).isAbsolute()) {
            Path path = Path.of(location);
            if (!Files.isDirectory(path)) {
                throw new IOException(ServletMessages.multipartLocationMissing(path));
            }
            return path;
        }
        Path path = tempDir.resolve(location).toAbsolutePath().normalize();
        try {
            Files.createDirectories(path); // the context's own temp area: a subdirectory may be made on demand
        } catch (IOException e) {
            throw new IOException(ServletMessages.multipartLocationMissing(path), e);
        }
        return path;
    }

    /** The library wraps its own finding ("Unexpected characters follow a boundary") in a vaguer one. */
    private static String detail(IOException e) {
        Throwable detail = e;
        while (detail.getCause() instanceof FileUploadException cause && cause != detail) {
            detail = cause;
        }
        return detail.getMessage();
    }

    private static String lastName(List<Stored> stored) {
        return stored.isEmpty() ? null : stored.get(stored.size() - 1).rawName();
    }

    private static ServletException malformed(String message) {
        return new ServletException(message, new RequestRejectedException(400, message));
    }

    private static void deleteQuietly(DiskFileItem content) {
        try {
            content.delete();
        } catch (IOException e) {
            // the context's temp dir is removed when the app stops
        }
    }

    /** A part read so far: its headers as ISO-8859-1, and where its content went. */
    private record Stored(PartHeaders headers, String rawName, boolean file, DiskFileItem content) {
    }

    /** Writing a part to the location failed: the server's disk, not the client's body. */
    private static final class StoreFailedException extends IOException {
        private static final long serialVersionUID = 1L;

        StoreFailedException(String message, IOException cause) {
            super(message, cause);
        }
    }

    /**
     * The request body as the library reads it: counted against {@code maxRequestSize}, and watched,
     * because the library turns an early end or a failed read into its own exceptions or, before the
     * first boundary, into an empty form.
     */
    private static final class Body extends InputStream {
        private final InputStream in;
        private final long max;
        long count;
        boolean ended;
        IOException failure;
        /** The last part whose content was read, for messages; the parser reads ahead of it. */
        String part;
        /** Whether that part's content is being read now. */
        boolean inPart;
        private final byte[] one = new byte[1];

        Body(InputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                // a new exception each time: the library's try-with-resources would add one to itself
                throw new IOException(failure.getMessage(), failure);
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            if (n < 0) {
                ended = true;
                return n;
            }
            count += n;
            if (max >= 0 && count > max) {
                throw new RequestRejectedException(413, ServletMessages.multipartRequestTooLarge(-1, max, part));
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() {
            // the request owns its body stream
        }
    }

    /**
     * The library's parsing of boundaries, header blocks and Content-Disposition parameters (RFC 2231 /
     * 5987 {@code filename*}, RFC 2047 words), storing headers in {@link PartHeaders}. Malt reads the
     * parts itself, so the request-level entry points stay unused.
     */
    private static final class Upload extends AbstractFileUpload<Void, DiskFileItem, DiskFileItemFactory> {

        @Override
        protected FileItemHeaders newFileItemHeaders() {
            return new PartHeaders();
        }

        @Override
        public FileItemInputIterator getItemIterator(Void request) {
            throw new UnsupportedOperationException("Malt reads the parts itself");
        }

        @Override
        public Map<String, List<DiskFileItem>> parseParameterMap(Void request) {
            throw new UnsupportedOperationException("Malt reads the parts itself");
        }

        @Override
        public List<DiskFileItem> parseRequest(Void request) {
            throw new UnsupportedOperationException("Malt reads the parts itself");
        }
    }
}
