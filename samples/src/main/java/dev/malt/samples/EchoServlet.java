package dev.malt.samples;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The servlet of {@code bench/run}: {@link HelloServlet}'s answer to a GET, and a POST answered with its own
 * body. One class, because an app with {@code servlet =} has one servlet at {@code /*}, and the bench runs
 * the same servlet on Malt and on Tomcat.
 */
public class EchoServlet extends HelloServlet {

    private static final long serialVersionUID = 1L;

    /** Bytes copied at a time: a few socket reads' worth, without holding a whole body. */
    private static final int BUFFER_SIZE = 16 * 1024;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String type = request.getContentType();
        response.setContentType(type != null ? type : "application/octet-stream");
        long length = request.getContentLengthLong();
        if (length >= 0) {
            response.setContentLengthLong(length);
        }
        ServletInputStream in = request.getInputStream();
        ServletOutputStream out = response.getOutputStream();
        byte[] buffer = new byte[BUFFER_SIZE];
        for (int n; (n = in.read(buffer)) != -1; ) {
            out.write(buffer, 0, n);
        }
    }
}
