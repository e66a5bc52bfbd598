package dev.malt.server.servlet.internal;

import java.net.URLConnection;
import java.util.Locale;
import java.util.Map;

/** File extension to media type, for {@code ServletContext#getMimeType}: a web-centred table, then the JDK's. */
public final class MimeTypes {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("css", "text/css"),
            Map.entry("js", "text/javascript"), Map.entry("mjs", "text/javascript"),
            Map.entry("json", "application/json"), Map.entry("map", "application/json"),
            Map.entry("xml", "application/xml"), Map.entry("txt", "text/plain"), Map.entry("csv", "text/csv"),
            Map.entry("md", "text/markdown"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/vnd.microsoft.icon"), Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"), Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"), Map.entry("otf", "font/otf"), Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"),
            Map.entry("tar", "application/x-tar"), Map.entry("wasm", "application/wasm"),
            Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"), Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"), Map.entry("wav", "audio/wav"),
            Map.entry("jar", "application/java-archive"), Map.entry("war", "application/java-archive"),
            Map.entry("webmanifest", "application/manifest+json"));

    private MimeTypes() {
    }

    /** The media type for {@code fileName}, or {@code null} if unknown. */
    public static String forFileName(String fileName) {
        int slash = fileName.lastIndexOf('/');
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot < slash || dot == fileName.length() - 1) {
            return null;
        }
        String type = TYPES.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
        return type != null ? type : URLConnection.getFileNameMap().getContentTypeFor(fileName);
    }
}
