package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Goes out of service from its service method: for 30 seconds, or for good with {@code permanent}. */
public class UnavailableServlet extends HttpServlet {

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        Events.add(config.getServletContext(), "init " + config.getServletName());
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws UnavailableException {
        Events.add(getServletContext(), "service " + getServletName());
        if (req.getParameter("permanent") != null) {
            throw new UnavailableException("gone for good");
        }
        throw new UnavailableException("busy", 30);
    }

    @Override
    public void destroy() {
        Events.add(getServletContext(), "destroy " + getServletName());
    }
}
