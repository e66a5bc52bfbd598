package dev.malt.server.servlet.internal;

import jakarta.servlet.http.Part;
import org.apache.commons.fileupload2.core.DiskFileItem;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Collection;

/**
 * One part of a {@code multipart/form-data} body, read whole by {@link FormDataParser}. Its content
 * is in memory or in a temp file of the servlet's multipart location (Commons FileUpload's
 * {@link DiskFileItem}); {@link #delete()} at the end of the request removes that file unless
 * {@link #write} moved it away.
 */
final class FormDataPart implements Part {

    private final String name;
    private final String fileName;
    private final String contentType;
    private final PartHeaders headers;
    private final DiskFileItem content;
    private final Path location;
    private final Charset charset;
    private boolean deleted;

    FormDataPart(String name, String fileName, String contentType, PartHeaders headers, DiskFileItem content,
                 Path location, Charset charset) {
        this.name = name;
        this.fileName = fileName;
        this.contentType = contentType;
        this.headers = headers;
        this.content = content;
        this.location = location;
        this.charset = charset;
    }

    /** What its text is in: its own Content-Type's charset, else the form's (RFC 7578 section 4.6). */
    Charset charset() {
        return charset;
    }

    /** Whether the content went to a temp file; for tests and diagnostics. */
    boolean onDisk() {
        return !content.isInMemory();
    }

    /** The temp file, or {@code null} while the content is in memory. */
    Path tempFile() {
        return content.getPath();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (deleted) {
            throw new IOException(ServletMessages.partDeleted(name));
        }
        return content.getInputStream();
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getSubmittedFileName() {
        return fileName;
    }

    @Override
    public long getSize() {
        return content.getSize();
    }

    /** Moves the temp file when there is one (so a second call fails, as the spec allows). */
    @Override
    public void write(String fileName) throws IOException {
        if (deleted) {
            throw new IOException(ServletMessages.partDeleted(name));
        }
        // the spec: "the test for absolute path vs relative path MUST be done via java.io.File.isAbsolute"
        Path target = new File(fileName).isAbsolute() ? Path.of(fileName) : location.resolve(fileName);
        content.write(target);
    }

    @Override
    public void delete() throws IOException {
        deleted = true;
        content.delete();
    }

    @Override
    public String getHeader(String name) {
        return headers.getHeader(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        return headers.values(name);
    }

    @Override
    public Collection<String> getHeaderNames() {
        return headers.names();
    }

    @Override
    public String toString() {
        return "Part '" + name + "'" + (fileName == null ? "" : " file '" + fileName + "'") + ", " + getSize()
                + " bytes" + (onDisk() ? " in " + tempFile() : " in memory");
    }
}
