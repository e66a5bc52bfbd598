package dev.malt.server.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code static-map} table: URL prefixes to directories (or single files), and the rules that find
 * the file for a request path.
 *
 * <p>As in uWSGI, the mappings are tried in order and the first one whose prefix matches and that has the
 * file serves it; a path with no such file goes on to the app. A prefix matches whole segments only:
 * {@code /static} matches {@code /static/app.css}, never {@code /staticfoo.css}.
 *
 * <p>Unlike uWSGI, a path under a prefix that looks like an attack is refused rather than passed on:
 * dot segments, backslashes, control characters (NUL included), bytes that are not UTF-8 (overlong
 * forms of '.' and '/' among them) and percent escapes still present after the frontend decoded the
 * path (double encoding). nginx never sends such a path; a client talking to the http-socket might. A
 * file whose real path (symlinks resolved) leaves the mapped directory is refused too, and so is
 * anything that is neither a regular file nor a directory: opening a FIFO would block the event loop.
 * Directories are never listed: they go on to the app.
 */
public final class StaticMappings {

    /** What a request path resolves to. */
    public sealed interface Resolution permits NotMapped, Forbidden, Found {
    }

    /** No mapping has a file for the path: the app answers. */
    public record NotMapped() implements Resolution {
    }

    /** A traversal attempt, a symlink out of the mapped directory, or a file Malt may not read: 403. */
    public record Forbidden(String reason) implements Resolution {
    }

    /** A regular file inside a mapped directory; {@code file} is its real path. */
    public record Found(Path file, BasicFileAttributes attributes) implements Resolution {
    }

    private static final NotMapped NOT_MAPPED = new NotMapped();

    /**
     * @param prefix     URL path without a trailing slash ({@code ""} for the root)
     * @param wirePrefix the same as the frontend sends it: UTF-8 bytes, one char a byte
     * @param root       the real path of the directory or file
     */
    private record Mapping(String prefix, String wirePrefix, Path root, boolean singleFile) {
    }

    private final List<Mapping> mappings;

    private StaticMappings(List<Mapping> mappings) {
        this.mappings = List.copyOf(mappings);
    }

    /**
     * Resolves each target to its real path once, at start.
     *
     * @param prefixesAndTargets URL prefix to directory or file, in the order configured
     * @throws IOException when a target is gone or unreadable (the config check let it through earlier)
     */
    public static StaticMappings of(List<java.util.Map.Entry<String, Path>> prefixesAndTargets) throws IOException {
        List<Mapping> mappings = new ArrayList<>();
        for (java.util.Map.Entry<String, Path> entry : prefixesAndTargets) {
            Path real = entry.getValue().toRealPath();
            String prefix = withoutTrailingSlash(entry.getKey());
            mappings.add(new Mapping(prefix, new String(prefix.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
                    real, !Files.isDirectory(real)));
        }
        return new StaticMappings(mappings);
    }

    public boolean isEmpty() {
        return mappings.isEmpty();
    }

    /** Whether some prefix matches the path: no file system access, for a quick decision on the event loop. */
    public boolean matches(byte[] decodedPath) {
        String path = new String(decodedPath, StandardCharsets.ISO_8859_1);
        for (Mapping mapping : mappings) {
            if (remainder(mapping.wirePrefix(), path) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Finds the file for a decoded request path (PATH_INFO: its bytes as the frontend sent them).
     * Blocking file system calls (stat, realpath); cheap for files in the page cache.
     */
    public Resolution resolve(byte[] decodedPath) {
        String latin1 = new String(decodedPath, StandardCharsets.ISO_8859_1);
        String path = null;
        for (Mapping mapping : mappings) {
            if (remainder(mapping.wirePrefix(), latin1) == null) {
                continue;
            }
            if (path == null) {
                path = utf8(decodedPath);
                String refused = path == null ? "the path is not UTF-8" : suspicious(path);
                if (refused != null) {
                    return new Forbidden(refused);
                }
            }
            String rest = remainder(mapping.prefix(), path);
            if (rest == null) {
                continue;
            }
            Resolution found = mapping.singleFile() ? inSingleFile(mapping, rest) : inDirectory(mapping, rest);
            if (found != NOT_MAPPED) {
                return found;
            }
        }
        return NOT_MAPPED;
    }

    private static Resolution inSingleFile(Mapping mapping, String rest) {
        if (!rest.isEmpty()) {
            return NOT_MAPPED;
        }
        return regularFile(mapping.root(), mapping.root());
    }

    private static Resolution inDirectory(Mapping mapping, String rest) {
        String relative = rest.isEmpty() ? "" : rest.substring(1);
        if (relative.isEmpty() || relative.endsWith("/")) {
            return NOT_MAPPED; // a directory: never listed
        }
        Path candidate;
        try {
            candidate = mapping.root().resolve(relative);
        } catch (InvalidPathException e) {
            return NOT_MAPPED; // a name this JVM's file name encoding cannot express: no such file
        }
        return regularFile(mapping.root(), candidate);
    }

    private static Resolution regularFile(Path root, Path candidate) {
        try {
            Path real = candidate.toRealPath();
            if (!real.startsWith(root)) {
                return new Forbidden("a symlink leads out of " + root);
            }
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isDirectory()) {
                return NOT_MAPPED;
            }
            if (!attributes.isRegularFile()) {
                return new Forbidden("not a regular file");
            }
            return new Found(real, attributes);
        } catch (AccessDeniedException e) {
            return new Forbidden("a directory on the way is not searchable by the worker");
        } catch (NoSuchFileException | NotDirectoryException e) {
            return NOT_MAPPED;
        } catch (IOException e) {
            return NOT_MAPPED; // a name too long, a loop of symlinks...: no file to serve
        }
    }

    /** The part of {@code path} below the mapping's prefix ({@code ""} or {@code /...}), or null. */
    private static String remainder(String prefix, String path) {
        if (!path.startsWith(prefix)) {
            return null;
        }
        String rest = path.substring(prefix.length());
        return rest.isEmpty() || rest.charAt(0) == '/' ? rest : null;
    }

    /** Why a path must not reach the file system, or null when it may. */
    static String suspicious(String path) {
        if (!path.startsWith("/")) {
            return "the path is not absolute";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "a control character in the path";
            }
            if (c == '\\') {
                return "a backslash in the path";
            }
            if (c == '%' && i + 2 < path.length() && Character.digit(path.charAt(i + 1), 16) >= 0
                    && Character.digit(path.charAt(i + 2), 16) >= 0) {
                return "a percent escape in the decoded path (double encoding)";
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "a dot segment in the path";
            }
        }
        return null;
    }

    /** Strict UTF-8: overlong forms and stray bytes give null. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String withoutTrailingSlash(String prefix) {
        String p = prefix;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
