package dev.malt.server.servlet.apps.core;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * Dispatches as its parameters say: {@code op=forward|include} (forward when absent), {@code to=} a
 * path (relative ones resolve against the request, as {@code request.getRequestDispatcher} does) or
 * {@code named=} a servlet name; {@code commit=true} flushes the response first. It writes
 * {@code NAME.before} first and, once the dispatch returned, {@code NAME.after} lines that show what the
 * request looks like again; the same goes to the event queue, where a closed response cannot hide it.
 */
public class DispatchingServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String label = getServletName();
        resp.setContentType("text/plain;charset=UTF-8");
        PrintWriter out = resp.getWriter();
        out.println(label + ".before");
        if ("true".equals(req.getParameter("commit"))) {
            resp.flushBuffer();
        }
        String named = req.getParameter("named");
        RequestDispatcher dispatcher = named != null ? getServletContext().getNamedDispatcher(named)
                : req.getRequestDispatcher(req.getParameter("to"));
        boolean include = "include".equals(req.getParameter("op"));
        try {
            if (include) {
                dispatcher.include(req, resp);
            } else {
                dispatcher.forward(req, resp);
            }
        } catch (IllegalStateException e) {
            out.println(label + ".ISE");
            Events.add(getServletContext(), label + ".ISE");
            return;
        }
        String state = "servletPath=" + req.getServletPath() + " pathInfo=" + req.getPathInfo()
                + " requestURI=" + req.getRequestURI() + " queryString=" + req.getQueryString()
                + " dispatcherType=" + req.getDispatcherType()
                + " forward.request_uri=" + req.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI)
                + " include.servlet_path=" + req.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH)
                + " param.to=" + req.getParameter("to");
        out.println(label + ".after " + state);
        Events.add(getServletContext(), label + ".after committed=" + resp.isCommitted() + " " + state);
    }
}
