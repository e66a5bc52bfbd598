package dev.malt.server.servlet.apps.core;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes what a dispatch looks like from inside, as {@code key=value} lines: its name, the dispatcher
 * type, the path getters, the mapping, the spec's {@code jakarta.servlet.*} request attributes, the
 * parameters and the trace the filters left.
 */
public class DispatchEchoServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (resp.getContentType() == null) {
            resp.setContentType("text/plain;charset=UTF-8");
        }
        PrintWriter out = resp.getWriter();
        String prefix = req.getParameter("echoPrefix") == null ? "" : req.getParameter("echoPrefix");
        write(out, prefix, req, resp);
    }

    public static void write(PrintWriter out, String prefix, HttpServletRequest req, HttpServletResponse resp) {
        out.println(prefix + "name=" + req.getHttpServletMapping().getServletName());
        out.println(prefix + "dispatcherType=" + req.getDispatcherType());
        out.println(prefix + "requestURI=" + req.getRequestURI());
        out.println(prefix + "contextPath=" + req.getContextPath());
        out.println(prefix + "servletPath=" + req.getServletPath());
        out.println(prefix + "pathInfo=" + req.getPathInfo());
        out.println(prefix + "queryString=" + req.getQueryString());
        out.println(prefix + "mapping=" + mapping(req.getHttpServletMapping()));
        out.println(prefix + "status=" + resp.getStatus());
        Map<String, String> attributes = new TreeMap<>();
        for (String name : Collections.list(req.getAttributeNames())) {
            if (name.startsWith("jakarta.servlet.")) {
                attributes.put(name.substring("jakarta.servlet.".length()), describe(req.getAttribute(name)));
            }
        }
        attributes.forEach((name, value) -> out.println(prefix + "attr." + name + "=" + value));
        Map<String, String[]> parameters = new TreeMap<>(req.getParameterMap());
        parameters.forEach((name, values) -> out.println(prefix + "param." + name + "=" + String.join(",", values)));
        Object trace = req.getAttribute("trace");
        if (trace != null) {
            out.println(prefix + "trace=" + trace);
        }
    }

    public static String mapping(HttpServletMapping m) {
        return m == null ? "null" : m.getMappingMatch() + "|" + m.getMatchValue() + "|" + m.getPattern() + "|"
                + m.getServletName();
    }

    static String describe(Object value) {
        if (value instanceof HttpServletMapping m) {
            return mapping(m);
        }
        if (value instanceof Class<?> c) {
            return c.getName();
        }
        if (value instanceof Throwable t) {
            return t.getClass().getName() + ":" + t.getMessage();
        }
        if (value instanceof List<?> list) {
            return list.toString();
        }
        return String.valueOf(value);
    }
}
