package dev.malt.webapps.jsp;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Declared in web.xml for every request: marks each response, so a test can see the filter ran. */
public class SampleHeaderFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("X-Sample-Filter", getFilterConfig().getInitParameter("mark"));
        chain.doFilter(request, response);
    }
}
