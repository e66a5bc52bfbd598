package dev.malt.server.servlet.apps;

import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Multipart without limits of its own, as many apps declare it: reports the length of field "text". */
@MultipartConfig
public class UnlimitedUploadServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String text = req.getParameter("text");
        resp.setContentType("text/plain");
        resp.getWriter().print("length=" + (text == null ? -1 : text.length()));
    }
}
