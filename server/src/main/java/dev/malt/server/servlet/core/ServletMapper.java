package dev.malt.server.servlet.core;

import jakarta.servlet.http.MappingMatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Maps a path within a context to a servlet, in the order of the Servlet spec (12.1): the empty pattern
 * for the context root, exact matches, the longest path prefix, welcome files for a path ending in '/',
 * the extension of the last segment, and finally the default servlet ({@code /}). Immutable: built
 * once the context has started, so the request path reads it without locks.
 *
 * <p>Welcome files follow Tomcat's reading of section 10.10: for {@code /dir/}, each welcome file is
 * tried as {@code /dir/index.jsp}; an exact or prefix mapping wins outright, an extension or default
 * mapping only when the resource exists.
 */
public final class ServletMapper {

    /** What a path maps to, in the terms of {@code HttpServletMapping} and the path getters. */
    public record Match(ServletHolder holder, String servletPath, String pathInfo, MappingMatch mappingMatch,
                        String matchValue, String pattern) {
    }

    private record Prefix(String path, String pattern, ServletHolder holder) {
    }

    private final ServletHolder contextRoot;
    private final Map<String, ServletHolder> exact = new HashMap<>();
    private final List<Prefix> prefixes = new ArrayList<>();
    private final Map<String, ServletHolder> extensions = new HashMap<>();
    private final ServletHolder defaultServlet;
    private final List<String> welcomeFiles;
    private final Predicate<String> resourceExists;

    /**
     * @param mappings       URL pattern to servlet; every pattern already validated
     * @param defaultServlet the servlet for {@code /} when the app maps none there (the container's)
     * @param welcomeFiles   welcome file names, in order
     * @param resourceExists whether a static resource exists at a path
     */
    public ServletMapper(Map<String, ServletHolder> mappings, ServletHolder defaultServlet, List<String> welcomeFiles,
                         Predicate<String> resourceExists) {
        ServletHolder root = null;
        ServletHolder fallback = defaultServlet;
        for (Map.Entry<String, ServletHolder> entry : mappings.entrySet()) {
            String pattern = entry.getKey();
            ServletHolder holder = entry.getValue();
            if (pattern.isEmpty()) {
                root = holder;
            } else if (pattern.equals("/")) {
                fallback = holder;
            } else if (pattern.endsWith("/*")) {
                prefixes.add(new Prefix(pattern.substring(0, pattern.length() - 2), pattern, holder));
            } else if (pattern.startsWith("*.")) {
                extensions.put(pattern.substring(2), holder);
            } else {
                exact.put(pattern, holder);
            }
        }
        prefixes.sort(Comparator.comparingInt((Prefix p) -> p.path().length()).reversed());
        this.contextRoot = root;
        this.defaultServlet = fallback;
        this.welcomeFiles = List.copyOf(welcomeFiles);
        this.resourceExists = resourceExists;
    }

    /** Whether a URL pattern is one the spec allows: "", "/", "/*", "/path", "/path/*" or "*.ext". */
    public static boolean isValidPattern(String pattern) {
        if (pattern == null) {
            return false;
        }
        if (pattern.isEmpty() || pattern.equals("/")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            return pattern.length() > 2 && pattern.indexOf('/') < 0 && pattern.indexOf('*', 1) < 0;
        }
        // "/On*" is an exact pattern (a '*' elsewhere than in "/*" has no meaning), as Tomcat reads it;
        // only "/dir/*.jsp" mixes two kinds and is refused
        return pattern.startsWith("/") && !pattern.contains("*.");
    }

    /** The servlet for a path within the context ({@code /} for the context root); never null. */
    public Match map(String path) {
        if (path.equals("/") && contextRoot != null) {
            return new Match(contextRoot, "", "/", MappingMatch.CONTEXT_ROOT, "", "");
        }
        Match match = exactOrPrefix(path);
        if (match != null) {
            return match;
        }
        if (path.endsWith("/") && !welcomeFiles.isEmpty()) {
            match = welcome(path);
            if (match != null) {
                return match;
            }
        }
        match = extension(path);
        if (match != null) {
            return match;
        }
        return defaultMatch(path);
    }

    /** For named dispatchers: the holder alone, with the paths of the request left as they are. */
    public static Match named(ServletHolder holder) {
        return new Match(holder, null, null, null, null, null);
    }

    private Match exactOrPrefix(String path) {
        ServletHolder holder = exact.get(path);
        if (holder != null) {
            return new Match(holder, path, null, MappingMatch.EXACT, path.substring(1), path);
        }
        for (Prefix prefix : prefixes) {
            String p = prefix.path();
            if (path.equals(p) || (path.startsWith(p) && path.charAt(p.length()) == '/')) {
                String pathInfo = path.length() == p.length() ? null : path.substring(p.length());
                String matchValue = pathInfo == null ? "" : pathInfo.substring(1);
                return new Match(prefix.holder(), p, pathInfo, MappingMatch.PATH, matchValue, prefix.pattern());
            }
        }
        return null;
    }

    private Match welcome(String directory) {
        for (String file : welcomeFiles) {
            String candidate = directory + file;
            Match match = exactOrPrefix(candidate);
            if (match != null) {
                return match;
            }
            if (resourceExists.test(candidate)) {
                match = extension(candidate);
                return match != null ? match : defaultMatch(candidate);
            }
        }
        return null;
    }

    private Match extension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot <= slash) {
            return null;
        }
        ServletHolder holder = extensions.get(path.substring(dot + 1));
        if (holder == null) {
            return null;
        }
        return new Match(holder, path, null, MappingMatch.EXTENSION, path.substring(1, dot),
                "*." + path.substring(dot + 1));
    }

    private Match defaultMatch(String path) {
        return new Match(defaultServlet, path, null, MappingMatch.DEFAULT, "", "/");
    }
}
