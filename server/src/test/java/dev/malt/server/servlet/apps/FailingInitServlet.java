package dev.malt.server.servlet.apps;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;

/** Fails in init(), as an app with a missing setting would. */
public class FailingInitServlet extends HttpServlet {

    @Override
    public void init() throws ServletException {
        throw new ServletException("database url missing");
    }
}
