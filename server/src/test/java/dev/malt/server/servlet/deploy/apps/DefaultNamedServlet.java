package dev.malt.server.servlet.deploy.apps;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;

@WebServlet("/default-named")
public class DefaultNamedServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
}
