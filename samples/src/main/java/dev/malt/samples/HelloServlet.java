package dev.malt.samples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The sample app of {@code apps-available/hello.ini}: one line of plain text for any GET. */
public class HelloServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final byte[] BODY = "Hello from Malt!\n".getBytes(StandardCharsets.UTF_8);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(BODY.length);
        response.getOutputStream().write(BODY);
    }
}
