package dev.malt.server.servlet.apps.core;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;

/** Wraps the response, as compression and caching filters do, and marks it with a header. */
public class WrappingFilter implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletResponse wrapped = new HttpServletResponseWrapper((HttpServletResponse) response) { };
        wrapped.setHeader("X-Wrapped", "1");
        chain.doFilter(request, wrapped);
    }
}
