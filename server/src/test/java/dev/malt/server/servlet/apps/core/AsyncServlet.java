package dev.malt.server.servlet.apps.core;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Async requests the way the {@code mode} parameter says (see each case); dispatches that come back
 * here as ASYNC echo like {@link DispatchEchoServlet}, unless the mode says otherwise.
 */
public class AsyncServlet extends DispatchEchoServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String mode = req.getParameter("mode");
        ServletContext context = getServletContext();
        if (req.getDispatcherType() == DispatcherType.ASYNC || req.getAttribute(AsyncContext.ASYNC_REQUEST_URI) != null) {
            if ("listen".equals(mode) && "restart".equals(req.getParameter("then"))) {
                req.startAsync().complete(); // a second async cycle: the listener hears onStartAsync
                return;
            }
            super.service(req, resp);
            return;
        }
        resp.setContentType("text/plain;charset=UTF-8");
        PrintWriter out = resp.getWriter();
        if ("dispatchWithArgs".equals(mode)) {
            AsyncContext async = req.startAsync(req, resp); // in a forward: dispatch() comes back to this URI
            Events.add(context, "hasOriginalRequestAndResponse=" + async.hasOriginalRequestAndResponse());
            async.dispatch();
            return;
        }
        AsyncContext async = req.startAsync();
        switch (mode) {
            case "completeNow" -> {
                out.println("started");
                async.complete();
                out.println("still writing in the dispatch");
            }
            case "start" -> {
                String requestThread = Thread.currentThread().getName();
                async.start(() -> {
                    write(async, "otherThread=" + !Thread.currentThread().getName().equals(requestThread));
                    async.complete();
                });
            }
            case "completeFromThread" -> new Thread(() -> {
                write(async, "from an app thread");
                async.complete();
            }).start();
            case "dispatchFromThread" -> new Thread(async::dispatch).start();
            case "twice" -> {
                try {
                    req.startAsync();
                    out.println("second=ok");
                } catch (IllegalStateException e) {
                    out.println("second=ISE");
                }
                async.complete();
            }
            case "dispatchAfterComplete" -> {
                async.complete();
                try {
                    async.dispatch();
                    out.println("dispatch=ok");
                } catch (IllegalStateException e) {
                    out.println("dispatch=ISE");
                }
            }
            case "dispatchTwice" -> {
                async.dispatch("/target/t");
                try {
                    async.dispatch();
                    Events.add(context, "second dispatch=ok");
                } catch (IllegalStateException e) {
                    Events.add(context, "second dispatch=ISE");
                }
            }
            case "sendErrorFromThread" -> new Thread(() -> {
                try {
                    ((HttpServletResponse) async.getResponse()).sendError(500, "backend said no");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                async.complete();
            }).start();
            case "throwAfterStart" -> throw new IllegalStateException("failed after startAsync");
            case "crossContext" -> async.dispatch(context.getContext(req.getParameter("context")), "/target/t");
            case "listen" -> {
                async.addListener(new RecordingAsyncListener(context, "L", "complete".equals(req.getParameter("onTimeout"))));
                switch (req.getParameter("then")) {
                    case "complete" -> async.complete();
                    case "timeout" -> async.setTimeout(1);
                    case "error" -> async.dispatch("/throw");
                    case "restart" -> async.dispatch();
                    default -> throw new IllegalArgumentException(req.getParameter("then"));
                }
            }
            default -> throw new IllegalArgumentException("mode " + mode);
        }
    }

    private static void write(AsyncContext async, String line) {
        try {
            async.getResponse().getWriter().println(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
