package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;

/**
 * Context paths as the operator wrote them, and the directory names derived from them: the state
 * directory holds one unpacked tree and one temp directory per context, so the name must be a single,
 * safe path segment.
 */
final class ContextNames {

    private ContextNames() {
    }

    /** {@code ""} for the root; otherwise one leading '/' and no trailing one. */
    static String normalize(String contextPath) throws AppLoadException {
        String path = contextPath == null ? "" : contextPath.trim();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            return "";
        }
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new AppLoadException(DeployMessages.badContextPath(contextPath));
            }
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (Character.isISOControl(c) || c == '?' || c == '#' || c == '%' || c == '\\' || c == ';') {
                throw new AppLoadException(DeployMessages.badContextPath(contextPath));
            }
        }
        return path;
    }

    /**
     * The directory name for a normalized context path: {@code ROOT} for the root, {@code shop} for
     * {@code /shop}, {@code a#b} for {@code /a/b} (Tomcat's convention); other unusual characters become '_'.
     */
    static String directoryName(String normalizedContextPath) {
        if (normalizedContextPath.isEmpty()) {
            return "ROOT";
        }
        StringBuilder name = new StringBuilder();
        for (char c : normalizedContextPath.substring(1).toCharArray()) {
            if (c == '/') {
                name.append('#');
            } else if (Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' || c == '_') {
                name.append(c);
            } else {
                name.append('_');
            }
        }
        return name.toString();
    }
}
