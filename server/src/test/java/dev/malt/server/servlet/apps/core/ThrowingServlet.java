package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.CancellationException;

/** Fails the way the {@code what} parameter says, for the error-page tests. */
public class ThrowingServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String what = req.getParameter("what");
        if (what == null) {
            what = "runtime";
        }
        switch (what) {
            case "ise" -> throw new IllegalStateException("bad state");
            case "cancel" -> throw new CancellationException("cancelled"); // a subclass of IllegalStateException
            case "wrapped" -> throw new ServletException("wrapper", new IllegalArgumentException("the root"));
            case "servlet" -> throw new ServletException("plain servlet exception");
            case "io" -> throw new IOException("disk gone");
            case "send404" -> resp.sendError(404, "no such <thing>");
            case "send503" -> resp.sendError(503);
            case "send410" -> resp.sendError(410, "gone away");
            case "commitThenThrow" -> {
                resp.getWriter().print("partial");
                resp.flushBuffer();
                throw new IllegalStateException("too late for an error page");
            }
            case "keepHeaders" -> {
                resp.setHeader("X-Keep", "yes");
                resp.addCookie(new Cookie("kept", "1"));
                resp.getWriter().print("discarded body");
                resp.sendError(404);
            }
            case "dropHeaders" -> {
                resp.setHeader("X-Drop", "yes");
                resp.getWriter().print("discarded body");
                throw new IllegalStateException("after headers");
            }
            default -> throw new RuntimeException("plain runtime failure <b>secret</b>");
        }
    }
}
