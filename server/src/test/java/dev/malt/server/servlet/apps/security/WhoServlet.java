package dev.malt.server.servlet.apps.security;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.io.PrintWriter;
import java.security.Principal;
import java.util.Map;

/** Who the container says the caller is, as {@code key=value} lines; answers every method. */
public class WhoServlet extends HttpServlet {

    /** Role names asked of isUserInRole: a role ref (ADM), real roles, and the two special names. */
    public static final String[] ROLES = {"ADM", "Administrator", "Manager", "**", "*"};

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain; charset=UTF-8");
        PrintWriter out = resp.getWriter();
        Principal principal = req.getUserPrincipal();
        out.println("page=" + req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo()));
        out.println("user=" + req.getRemoteUser());
        out.println("principal=" + (principal == null ? null : principal.getName()));
        out.println("authType=" + req.getAuthType());
        out.println("method=" + req.getMethod());
        for (String role : ROLES) {
            out.println("role:" + role + "=" + req.isUserInRole(role));
        }
        for (Map.Entry<String, String[]> parameter : req.getParameterMap().entrySet()) {
            out.println("param:" + parameter.getKey() + "=" + String.join(",", parameter.getValue()));
        }
        HttpSession session = req.getSession(false);
        out.println("session=" + (session == null ? null : session.getId()));
    }
}
