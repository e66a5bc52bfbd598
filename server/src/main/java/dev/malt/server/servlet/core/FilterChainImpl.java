package dev.malt.server.servlet.core;

import dev.malt.server.servlet.internal.MaltHttpRequest;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import java.io.IOException;
import java.util.List;

/**
 * One pass through the filters to the servlet. Each filter or servlet that does not support async
 * makes {@code startAsync} illegal from there on (spec 2.3.3.3).
 */
final class FilterChainImpl implements FilterChain {

    private final List<FilterHolder> filters;
    private final ServletHolder servlet;
    private final MaltHttpRequest request;
    private int next;

    FilterChainImpl(List<FilterHolder> filters, ServletHolder servlet, MaltHttpRequest request) {
        this.filters = filters;
        this.servlet = servlet;
        this.request = request;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp) throws IOException, ServletException {
        if (next < filters.size()) {
            FilterHolder holder = filters.get(next++);
            request.restrictAsync(holder.isAsyncSupported());
            Filter filter = holder.filter();
            filter.doFilter(req, resp, this);
            return;
        }
        request.restrictAsync(servlet.isAsyncSupported());
        Servlet target = servlet.servlet();
        target.service(req, resp);
    }
}
