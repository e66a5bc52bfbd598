package dev.malt.server.servlet.apps.core;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Tries to change status, headers and cookies (an included servlet may not), then echoes. */
public class IncludedServlet extends DispatchEchoServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setStatus(404);
        resp.setHeader("X-Included", "1");
        resp.addCookie(new Cookie("included", "1"));
        resp.setContentType("application/json");
        super.service(req, resp);
    }
}
