package dev.malt.server.servlet.deploy.apps;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;

/** Sets value and urlPatterns together, which the spec forbids. */
@WebServlet(value = "/x", urlPatterns = "/y")
public class BothPatternsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
}
