package dev.malt.server.servlet.apps.core;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Arrays;

/**
 * Writes {@code chunks} chunks of 1 KiB without blocking, as the {@link WriteListener} contract says:
 * write while {@code isReady()}, return when it says no, complete after the last one.
 */
public class WriteListenerServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int chunks = Integer.parseInt(req.getParameter("chunks"));
        AsyncContext async = req.startAsync();
        ServletContext context = getServletContext();
        resp.setContentType("application/octet-stream");
        ServletOutputStream out = resp.getOutputStream();
        byte[] chunk = new byte[1024];
        Arrays.fill(chunk, (byte) 'x');
        out.setWriteListener(new WriteListener() {
            private int written;

            @Override
            public void onWritePossible() throws IOException {
                Events.add(context, "onWritePossible at " + written);
                while (out.isReady()) {
                    if (written == chunks) {
                        async.complete();
                        return;
                    }
                    out.write(chunk);
                    out.flush();
                    written++;
                }
                Events.add(context, "notReady at " + written);
            }

            @Override
            public void onError(Throwable t) {
                Events.add(context, "onError " + t);
                async.complete();
            }
        });
    }
}
