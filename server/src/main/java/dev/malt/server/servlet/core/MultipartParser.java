package dev.malt.server.servlet.core;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Collection;

/** Reads a {@code multipart/form-data} body into parts, within the servlet's configured limits. */
public interface MultipartParser {

    /**
     * @param body        the request body
     * @param contentType the request's Content-Type, with its boundary
     * @param charset     for part names and text fields without their own charset
     * @param config      the servlet's {@code multipart-config}
     * @param tempDir     the context's temp dir, where the config's location is relative to
     * @throws IllegalStateException when a size limit is exceeded (the spec's choice)
     * @throws ServletException      when the body is not valid multipart
     */
    Collection<Part> parse(InputStream body, String contentType, Charset charset, MultipartConfigElement config,
                           Path tempDir) throws IOException, ServletException;
}
