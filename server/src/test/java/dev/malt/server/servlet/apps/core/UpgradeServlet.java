package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * HTTP upgrade, as the Servlet TCK's upgrade test does it: {@code /upgrade} switches to
 * {@link EchoUpgradeHandler}; {@code /refuse} answers a request that asked for an upgrade with a plain 200;
 * {@code /try-upgrade} reports what upgrade() threw; {@code /plain} is an ordinary page.
 */
public class UpgradeServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        String scenario = req.getPathInfo() == null ? "" : req.getPathInfo();
        switch (scenario) {
            case "/upgrade" -> {
                resp.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
                resp.setHeader("Upgrade", "echo");
                resp.setHeader("Connection", "Upgrade");
                EchoUpgradeHandler handler = req.upgrade(EchoUpgradeHandler.class);
                handler.setContext(getServletContext()); // before init(), which comes after this method returns
                Events.add(getServletContext(), "servlet returns on " + Thread.currentThread().getName());
            }
            case "/bulk" -> {
                resp.setHeader("Upgrade", "bulk");
                req.upgrade(BulkUpgradeHandler.class).setContext(getServletContext()); // upgrade() sets the 101
            }
            case "/refuse" -> resp.getWriter().print("not upgraded, Upgrade: " + req.getHeader("Upgrade"));
            case "/try-upgrade" -> {
                try {
                    req.upgrade(EchoUpgradeHandler.class);
                    resp.getWriter().print("upgraded?");
                } catch (ServletException e) {
                    resp.getWriter().print("refused: " + e.getMessage());
                }
            }
            case "/plain" -> resp.getWriter().print("plain");
            default -> resp.sendError(404);
        }
    }
}
