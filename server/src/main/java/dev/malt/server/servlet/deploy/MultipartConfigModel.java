package dev.malt.server.servlet.deploy;

/**
 * {@code multipart-config} / {@code @MultipartConfig}, with the spec's defaults: no location (the
 * context's temp dir), unlimited sizes (-1), threshold 0.
 */
public record MultipartConfigModel(String location, long maxFileSize, long maxRequestSize, int fileSizeThreshold) {

    public static final MultipartConfigModel DEFAULT = new MultipartConfigModel("", -1, -1, 0);
}
