package dev.malt.server.servlet.deploy.apps;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;

/** Packed into a WEB-INF/lib jar by the tests. */
@WebServlet(name = "lib", value = "/lib/*")
public class LibServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
}
