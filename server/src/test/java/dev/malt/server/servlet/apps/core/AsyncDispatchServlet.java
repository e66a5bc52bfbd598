package dev.malt.server.servlet.apps.core;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * On the first dispatch, starts async and dispatches: to the {@code to} parameter's path, or with
 * {@code dispatch()} back to itself; every later dispatch echoes like {@link DispatchEchoServlet}.
 */
public class AsyncDispatchServlet extends DispatchEchoServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getDispatcherType() == DispatcherType.REQUEST) {
            AsyncContext async = req.startAsync();
            String to = req.getParameter("to");
            if (to == null) {
                async.dispatch();
            } else {
                async.dispatch(to);
            }
            return;
        }
        super.service(req, resp);
    }
}
