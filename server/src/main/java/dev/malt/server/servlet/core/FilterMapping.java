package dev.malt.server.servlet.core;

import jakarta.servlet.DispatcherType;

import java.util.List;
import java.util.Set;

/** One mapping of a filter: URL patterns or servlet names ({@code *} for all), for some dispatcher types. */
record FilterMapping(FilterHolder holder, List<String> urlPatterns, List<String> servletNames,
                     Set<DispatcherType> dispatcherTypes) {

    FilterMapping {
        urlPatterns = List.copyOf(urlPatterns);
        servletNames = List.copyOf(servletNames);
        dispatcherTypes = Set.copyOf(dispatcherTypes);
    }

    boolean matchesPath(String path) {
        for (String pattern : urlPatterns) {
            if (matches(pattern, path)) {
                return true;
            }
        }
        return false;
    }

    boolean matchesServlet(String servletName) {
        return servletName != null && (servletNames.contains(servletName) || servletNames.contains("*"));
    }

    /** The servlet pattern rules, applied to one filter pattern: "/" and "/*" match every path. */
    static boolean matches(String pattern, String path) {
        if (pattern.equals("/*") || pattern.equals("/")) {
            return true;
        }
        if (pattern.isEmpty()) {
            return path.equals("/");
        }
        if (pattern.endsWith("/*")) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            return path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
        }
        if (pattern.startsWith("*.")) {
            int slash = path.lastIndexOf('/');
            int dot = path.lastIndexOf('.');
            return dot > slash && path.regionMatches(dot + 1, pattern, 2, pattern.length() - 2)
                    && path.length() - dot - 1 == pattern.length() - 2;
        }
        return pattern.equals(path);
    }
}
