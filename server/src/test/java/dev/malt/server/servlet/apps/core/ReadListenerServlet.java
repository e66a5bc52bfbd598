package dev.malt.server.servlet.apps.core;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the body without blocking, as the {@link ReadListener} contract says: read while
 * {@code isReady()}, return when it says no, and answer {@code read=BODY} from {@code onAllDataRead}.
 * Each callback and each "not ready" is an event.
 */
public class ReadListenerServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        AsyncContext async = req.startAsync();
        ServletContext context = getServletContext();
        ServletInputStream in = req.getInputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        in.setReadListener(new ReadListener() {
            @Override
            public void onDataAvailable() throws IOException {
                Events.add(context, "onDataAvailable");
                byte[] buffer = new byte[64];
                while (in.isReady() && !in.isFinished()) {
                    int n = in.read(buffer);
                    if (n > 0) {
                        body.write(buffer, 0, n);
                    }
                }
                if (!in.isFinished()) {
                    Events.add(context, "notReady after " + body.size());
                }
            }

            @Override
            public void onAllDataRead() throws IOException {
                Events.add(context, "onAllDataRead");
                resp.setContentType("text/plain;charset=UTF-8");
                resp.getWriter().print("read=" + body.toString(StandardCharsets.UTF_8));
                async.complete();
            }

            @Override
            public void onError(Throwable t) {
                Events.add(context, "onError " + t);
                async.complete();
            }
        });
    }
}
