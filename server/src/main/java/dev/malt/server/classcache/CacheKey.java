package dev.malt.server.classcache;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What a class cache depends on, boiled down to a name: the JVM's build, its flags, Malt's own jars and the app's
 * code, each file by its modification time. A change to any of them names another file, so a stale cache is never
 * chosen (the JVM would refuse most of them anyway, and never make a new one).
 */
public final class CacheKey {

    /** Hex digits kept of the SHA-256: 64 bits, plenty for the few caches of one app. */
    static final int LENGTH = 16;

    private final MessageDigest digest;
    private final ToLongFunction<Path> lastModified;

    /** @param lastModified a file's modification time as the worker's user sees it, -1 when missing */
    public CacheKey(ToLongFunction<Path> lastModified) {
        this.lastModified = lastModified;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Adds a piece of text: a flag, a class name, the JVM's identity. */
    public CacheKey text(String label, String value) {
        update(label + "=" + value);
        return this;
    }

    /** Adds texts in order. */
    public CacheKey texts(String label, List<String> values) {
        for (String value : values) {
            text(label, value);
        }
        return this;
    }

    /**
     * Adds files by path and modification time. An entry with a glob ({@code lib/*.jar}) counts by its directory,
     * whose time changes when a jar is added, removed or replaced by a rename, as deployments do.
     */
    public CacheKey files(String label, List<String> paths) {
        for (String entry : paths) {
            Path path = Path.of(entry);
            Path stamped = entry.contains("*") || entry.contains("?") ? path.getParent() : path;
            update(label + "=" + entry + "@" + (stamped == null ? -1 : lastModified.applyAsLong(stamped)));
        }
        return this;
    }

    /** The key: hex digits, safe in a file name. */
    public String value() {
        return HexFormat.of().formatHex(digest.digest()).substring(0, LENGTH);
    }

    private void update(String line) {
        digest.update((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
