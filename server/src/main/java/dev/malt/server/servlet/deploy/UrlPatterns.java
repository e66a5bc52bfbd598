package dev.malt.server.servlet.deploy;

/**
 * The spec's rules for URL patterns (12.2) and for paths in descriptors (14.3). Each check returns
 * {@code null} when the value is fine, or what is wrong with it, for the caller's file:line message.
 */
final class UrlPatterns {

    private UrlPatterns() {
    }

    /**
     * A mapping pattern: {@code ""} (the context root), {@code /} (default), {@code /path/*} (prefix),
     * {@code *.ext} (extension), or an exact path starting with '/'.
     */
    static String problem(String pattern) {
        if (pattern.indexOf('\r') >= 0 || pattern.indexOf('\n') >= 0) {
            return "it contains a line break";
        }
        if (pattern.isEmpty() || pattern.equals("/")) {
            return null;
        }
        if (pattern.startsWith("*.")) {
            if (pattern.indexOf('/') >= 0) {
                return "an extension pattern ('*.ext') cannot contain '/'";
            }
            if (pattern.length() == 2) {
                return "an extension pattern needs an extension after '*.'";
            }
            return null;
        }
        if (!pattern.startsWith("/")) {
            return "a pattern starts with '/' (a path or '/prefix/*') or with '*.' (an extension)";
        }
        if (pattern.contains("*.")) {
            return "a path pattern cannot also be an extension pattern: map '/dir/*' and check the extension "
                    + "in the servlet, or map '*.ext'";
        }
        return null;
    }

    /**
     * A path to a resource in the WAR ({@code location}, {@code jsp-file}, {@code form-login-page}...):
     * starts with '/', and {@code /a/../b} means {@code /b}. Returns the canonical path, or {@code null}
     * when it climbs above the root.
     */
    static String canonicalPath(String path) {
        String[] segments = path.split("/", -1);
        StringBuilder result = new StringBuilder();
        java.util.ArrayDeque<String> kept = new java.util.ArrayDeque<>();
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.equals("..")) {
                if (kept.isEmpty()) {
                    return null;
                }
                kept.removeLast();
            } else if (!segment.equals(".") && !(segment.isEmpty() && i < segments.length - 1)) {
                kept.addLast(segment);
            }
        }
        for (String segment : kept) {
            result.append('/').append(segment);
        }
        return result.length() == 0 ? "/" : result.toString();
    }
}
