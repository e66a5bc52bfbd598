package dev.malt.server.servlet.core;

import dev.malt.server.servlet.deploy.ErrorPageModel;
import jakarta.servlet.ServletException;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the error page for a failure (spec 10.9.2): for an exception, the page of its class or the
 * nearest superclass, then the same for the root cause of each wrapping {@link ServletException};
 * for a status code, the page of that code; failing both, the default error page (one without code
 * and type), if any.
 */
public final class ErrorPages {

    private final Map<Integer, String> byCode = new HashMap<>();
    private final Map<String, String> byType = new LinkedHashMap<>();
    private final String defaultPage;

    public ErrorPages(List<ErrorPageModel> pages) {
        String fallback = null;
        for (ErrorPageModel page : pages) {
            if (page.exceptionType() != null) {
                byType.putIfAbsent(page.exceptionType(), page.location());
            } else if (page.errorCode() > 0) {
                byCode.putIfAbsent(page.errorCode(), page.location());
            } else if (fallback == null) {
                fallback = page.location();
            }
        }
        this.defaultPage = fallback;
    }

    public boolean isEmpty() {
        return byCode.isEmpty() && byType.isEmpty() && defaultPage == null;
    }

    /** A page for this status, or the default page, or {@code null}. */
    public String forStatus(int status) {
        String page = byCode.get(status);
        return page != null ? page : defaultPage;
    }

    /**
     * The page for an exception, and the exception it matched (the thrown one or a root cause);
     * {@code null} when no exception-type page matches (the caller then tries status 500).
     */
    public Found forException(Throwable thrown) {
        Throwable t = thrown;
        while (t != null) {
            String page = byClass(t.getClass());
            if (page != null) {
                return new Found(page, t);
            }
            if (t instanceof ServletException servletException && servletException.getRootCause() != null
                    && servletException.getRootCause() != t) {
                t = servletException.getRootCause();
            } else {
                break;
            }
        }
        return null;
    }

    private String byClass(Class<?> type) {
        if (byType.isEmpty()) {
            return null;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            String page = byType.get(c.getName());
            if (page != null) {
                return page;
            }
        }
        return null;
    }

    public record Found(String location, Throwable matched) {
    }
}
