package dev.malt.server.servlet.apps.core;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;

/** Says whether the chain so far supports async, tries {@code startAsync}, and completes at once if it worked. */
public class StartAsyncProbeServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        PrintWriter out = resp.getWriter();
        out.println("isAsyncSupported=" + req.isAsyncSupported());
        try {
            req.startAsync().complete();
            out.println("startAsync=ok");
        } catch (IllegalStateException e) {
            out.println("startAsync=" + e.getClass().getSimpleName());
        }
    }
}
