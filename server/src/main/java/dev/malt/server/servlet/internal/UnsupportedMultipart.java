package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.core.MultipartParser;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Collection;

/** Until the multipart parser lands: getParts() says so. */
public final class UnsupportedMultipart implements MultipartParser {

    @Override
    public Collection<Part> parse(InputStream body, String contentType, Charset charset, MultipartConfigElement config,
                                  Path tempDir) throws ServletException {
        throw new ServletException(ServletMessages.multipartNotSupported());
    }
}
