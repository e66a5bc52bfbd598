package dev.malt.samples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A servlet that keeps things in its HTTP session, to see sessions travel between workers. Routes (the
 * last path segment):
 *
 * <pre>
 * /set?name=N&amp;value=V[&amp;timeout=S]  sets an attribute (a new session if needed); timeout: its max inactive interval
 * /get                             JSON: the session (or null), the worker's pid, the user
 * /invalidate                      ends the session
 * /hello                           "Hello, N" for the session's attribute "name", or a new session named "guest"
 * /count                           "N": a counter in the session, one more each time (a write per request)
 * </pre>
 */
public class SessionServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String uri = request.getRequestURI();
        String route = uri.substring(uri.lastIndexOf('/'));
        switch (route) {
            case "/set" -> {
                HttpSession session = request.getSession();
                String timeout = request.getParameter("timeout");
                if (timeout != null) {
                    session.setMaxInactiveInterval(Integer.parseInt(timeout));
                }
                session.setAttribute(request.getParameter("name"), request.getParameter("value"));
                json(request, response);
            }
            case "/get" -> json(request, response);
            case "/invalidate" -> {
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
                json(request, response);
            }
            case "/hello" -> {
                HttpSession session = request.getSession();
                Object name = session.getAttribute("name");
                if (name == null) {
                    name = "guest";
                    session.setAttribute("name", name);
                }
                text(response, "Hello, " + name + "\n");
            }
            case "/count" -> {
                HttpSession session = request.getSession();
                Integer count = (Integer) session.getAttribute("count");
                count = count == null ? 1 : count + 1;
                session.setAttribute("count", count);
                text(response, count + "\n");
            }
            default -> response.sendError(404);
        }
    }

    private static void json(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pid", ProcessHandle.current().pid());
        out.put("user", request.getRemoteUser());
        HttpSession session = request.getSession(false);
        if (session == null) {
            out.put("session", null);
        } else {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("id", session.getId());
            s.put("isNew", session.isNew());
            s.put("maxInactive", (long) session.getMaxInactiveInterval());
            List<String> names = Collections.list(session.getAttributeNames());
            Collections.sort(names);
            Map<String, Object> attributes = new LinkedHashMap<>();
            for (String name : names) {
                attributes.put(name, String.valueOf(session.getAttribute(name)));
            }
            s.put("attributes", attributes);
            out.put("session", s);
        }
        byte[] body = (Json.write(out) + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static void text(HttpServletResponse response, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
