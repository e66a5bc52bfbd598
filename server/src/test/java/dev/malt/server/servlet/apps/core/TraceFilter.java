package dev.malt.server.servlet.apps.core;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import java.io.IOException;

/**
 * Leaves its label and the dispatcher type in the request attribute {@code trace}, then goes on; the
 * label is the init parameter {@code label}, else the filter's name.
 */
public class TraceFilter implements Filter {

    private String label;

    @Override
    public void init(FilterConfig config) {
        String configured = config.getInitParameter("label");
        label = configured != null ? configured : config.getFilterName();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Object trace = request.getAttribute("trace");
        String entry = label + ":" + request.getDispatcherType();
        request.setAttribute("trace", trace == null ? entry : trace + " " + entry);
        chain.doFilter(request, response);
    }
}
