package dev.malt.server.servlet.core;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The static resources of a context: the WAR's root, then the {@code META-INF/resources} of its jars,
 * first match wins (spec 10.5). Paths are context-relative, decoded and start with '/'. A path that
 * climbs out of a root, or a symlink that leads out of it, resolves to nothing.
 */
public final class WebResources {

    private final List<Path> roots;

    public WebResources(List<Path> roots) {
        List<Path> real = new ArrayList<>();
        for (Path root : roots) {
            try {
                real.add(root.toRealPath());
            } catch (IOException e) {
                real.add(root.toAbsolutePath().normalize());
            }
        }
        this.roots = List.copyOf(real);
    }

    /** The directory paths resolve against first: the WAR's root. */
    public Path baseDir() {
        return roots.get(0);
    }

    /** Whether the default servlet must never serve this path: WEB-INF and META-INF (spec 10.5). */
    public static boolean isProtected(String path) {
        String upper = path.toUpperCase(Locale.ROOT);
        return upper.equals("/WEB-INF") || upper.startsWith("/WEB-INF/")
                || upper.equals("/META-INF") || upper.startsWith("/META-INF/");
    }

    /**
     * The existing file or directory for {@code path}, or {@code null}. A path ending in '/' names a
     * directory only: {@code Path} would drop the slash, and {@code /page.jsp/} would then serve the
     * page's source past its {@code *.jsp} mapping.
     */
    public Path file(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        boolean directoryOnly = path.length() > 1 && path.endsWith("/");
        for (Path root : roots) {
            Path candidate = inside(root, path);
            if (candidate != null && Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                Path real = realInside(root, candidate);
                if (real != null && (!directoryOnly || Files.isDirectory(real))) {
                    return real;
                }
            }
        }
        return null;
    }

    public boolean exists(String path) {
        return file(path) != null;
    }

    public boolean isFile(String path) {
        Path file = file(path);
        return file != null && Files.isRegularFile(file);
    }

    public URL url(String path) throws MalformedURLException {
        Path file = file(path);
        if (file == null) {
            return null;
        }
        URL url = file.toUri().toURL();
        if (Files.isDirectory(file) && !url.getPath().endsWith("/")) {
            url = new URL(url, url.getPath() + "/");
        }
        return url;
    }

    /** Children of a directory, as context paths (directories end with '/'); {@code null} when not a directory. */
    public Set<String> list(String directory) {
        if (directory == null || !directory.startsWith("/")) {
            return null;
        }
        String prefix = directory.endsWith("/") ? directory : directory + "/";
        Set<String> paths = new TreeSet<>();
        boolean found = false;
        for (Path root : roots) {
            Path dir = inside(root, directory);
            if (dir == null || !Files.isDirectory(dir) || realInside(root, dir) == null) {
                continue;
            }
            found = true;
            try (Stream<Path> children = Files.list(dir)) {
                children.forEach(child -> paths.add(prefix + child.getFileName()
                        + (Files.isDirectory(child) ? "/" : "")));
            } catch (IOException e) {
                // unreadable directory: list what the other roots have
            }
        }
        return found ? paths : null;
    }

    /** The file path for {@code path} under the WAR's root, whether it exists or not. */
    public String realPath(String path) {
        if (path == null) {
            return null;
        }
        String p = path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
        Path file = file(p);
        if (file != null) {
            return file.toString() + (Files.isDirectory(file) && p.endsWith("/") ? "/" : "");
        }
        Path candidate = inside(roots.get(0), p);
        if (candidate == null || !existingPartInside(roots.get(0), candidate)) {
            return null;
        }
        return candidate.toString() + (p.endsWith("/") && p.length() > 1 ? "/" : "");
    }

    /**
     * {@code root/path} when it stays under root by its name alone ({@code ..} cannot climb out), else
     * null; also null for a path no file can have (a NUL byte), rather than an exception to the app.
     */
    private static Path inside(Path root, String path) {
        Path candidate;
        try {
            candidate = root.resolve(path.substring(1)).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
        return candidate.startsWith(root) ? candidate : null;
    }

    /**
     * For a path that does not exist (yet): whether its deepest existing ancestor really lies under root,
     * so that a file the app creates there cannot land outside through a symlinked directory. A dangling
     * symlink on the way counts as outside: where it would lead is not known.
     */
    private static boolean existingPartInside(Path root, Path candidate) {
        Path existing = candidate;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        return existing != null && realInside(root, existing) != null;
    }

    private static Path realInside(Path root, Path candidate) {
        try {
            Path real = candidate.toRealPath();
            return real.startsWith(root) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }
}
