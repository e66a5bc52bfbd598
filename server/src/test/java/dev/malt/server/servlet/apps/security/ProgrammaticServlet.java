package dev.malt.server.servlet.apps.security;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;

/** {@code ?op=login&u=..&p=..}, {@code ?op=logout} or {@code ?op=authenticate}, then who the caller is. */
public class ProgrammaticServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String op = req.getParameter("op");
        String before = req.getRemoteUser();
        try {
            switch (op) {
                case "login" -> req.login(req.getParameter("u"), req.getParameter("p"));
                case "logout" -> req.logout();
                case "authenticate" -> {
                    if (!req.authenticate(resp)) {
                        return; // the container answered: 401, or the login page
                    }
                }
                default -> throw new IllegalArgumentException(op);
            }
        } catch (ServletException e) {
            resp.setContentType("text/plain; charset=UTF-8");
            resp.getWriter().println("error=" + e.getMessage());
            return;
        }
        resp.setContentType("text/plain; charset=UTF-8");
        PrintWriter out = resp.getWriter();
        out.println("before=" + before);
        out.println("user=" + req.getRemoteUser());
        out.println("authType=" + req.getAuthType());
        out.println("role:Manager=" + req.isUserInRole("Manager"));
    }
}
