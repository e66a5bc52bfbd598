package dev.malt.server.servlet.apps.core;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.List;

/** Session operations by path info, each answering {@code key=value} lines. */
public class SessionServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        PrintWriter out = resp.getWriter();
        String name = req.getParameter("name");
        switch (req.getPathInfo()) {
            case "/create" -> {
                HttpSession s = req.getSession();
                out.println("id=" + s.getId());
                out.println("isNew=" + s.isNew());
                out.println("maxInactive=" + s.getMaxInactiveInterval());
            }
            case "/get" -> describe(req, out);
            case "/set" -> req.getSession().setAttribute(name, req.getParameter("value"));
            case "/bind" -> req.getSession().setAttribute(name, new BindingValue(getServletContext(),
                    req.getParameter("label")));
            case "/activation" -> req.getSession().setAttribute(name, new ActivationValue(req.getParameter("label")));
            case "/plain" -> {
                try {
                    req.getSession().setAttribute(name, new Unserializable.Plain());
                    out.println("error=none");
                } catch (IllegalArgumentException e) {
                    out.println("error=" + e.getMessage());
                }
            }
            case "/holder" -> req.getSession().setAttribute(name, new Unserializable.Holder());
            case "/append" -> {
                @SuppressWarnings("unchecked")
                java.util.ArrayList<String> list = (java.util.ArrayList<String>) req.getSession().getAttribute(name);
                if (list == null) {
                    list = new java.util.ArrayList<>();
                    req.getSession().setAttribute(name, list);
                }
                list.add(req.getParameter("value")); // changed in place, not set again
            }
            case "/remove" -> req.getSession().removeAttribute(name);
            case "/timeout" -> req.getSession().setMaxInactiveInterval(Integer.parseInt(req.getParameter("seconds")));
            case "/invalidate" -> {
                req.getSession().invalidate();
                out.println("afterInvalidate=" + req.getSession(false));
            }
            case "/invalidateThenCreate" -> {
                HttpSession old = req.getSession();
                String oldId = old.getId();
                old.invalidate();
                out.println("old=" + oldId);
                out.println("new=" + req.getSession(true).getId());
            }
            case "/change" -> {
                String old = req.getSession().getId();
                out.println("old=" + old);
                out.println("new=" + req.changeSessionId());
                out.println("getId=" + req.getSession().getId());
            }
            case "/encode" -> {
                if (req.getParameter("create") != null) {
                    req.getSession();
                }
                for (String url : req.getParameterValues("url")) {
                    out.println(url + "=" + resp.encodeURL(url));
                }
            }
            default -> resp.sendError(404);
        }
    }

    private static void describe(HttpServletRequest req, PrintWriter out) {
        HttpSession s = req.getSession(false);
        out.println("session=" + (s == null ? "none" : s.getId()));
        out.println("requestedId=" + req.getRequestedSessionId());
        out.println("fromCookie=" + req.isRequestedSessionIdFromCookie());
        out.println("fromURL=" + req.isRequestedSessionIdFromURL());
        out.println("requestedValid=" + req.isRequestedSessionIdValid());
        out.println("pathInfo=" + req.getPathInfo());
        if (s != null) {
            out.println("isNew=" + s.isNew());
            out.println("creationTime=" + s.getCreationTime());
            out.println("lastAccessedTime=" + s.getLastAccessedTime());
            List<String> names = Collections.list(s.getAttributeNames());
            Collections.sort(names);
            for (String n : names) {
                out.println("attr." + n + "=" + s.getAttribute(n));
            }
        }
    }
}
