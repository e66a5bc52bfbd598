package dev.malt.server.servlet.apps.core;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import java.io.IOException;

/** Records {@code filter init NAME} and {@code filter destroy NAME}. */
public class LifecycleFilter implements Filter {

    private ServletContext context;
    private String name;

    @Override
    public void init(FilterConfig config) {
        context = config.getServletContext();
        name = config.getFilterName();
        Events.add(context, "filter init " + name);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
    }

    @Override
    public void destroy() {
        Events.add(context, "filter destroy " + name);
    }
}
