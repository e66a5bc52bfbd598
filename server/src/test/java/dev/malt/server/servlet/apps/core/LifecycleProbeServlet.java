package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.EventListener;

/**
 * Records {@code init NAME} and {@code destroy NAME}. A request sets and changes request and context
 * attributes ({@code app.*}), then tries to register servlets, filters and listeners, which is illegal
 * once the context has started; it answers what each attempt did.
 */
public class LifecycleProbeServlet extends HttpServlet {

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        Events.add(config.getServletContext(), "init " + config.getServletName());
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ServletContext context = getServletContext();
        req.setAttribute("app.r", "1");
        req.setAttribute("app.r", "2");
        req.removeAttribute("app.r");
        context.setAttribute("app.c", "1");
        context.setAttribute("app.c", "2");
        context.removeAttribute("app.c");
        resp.setContentType("text/plain");
        PrintWriter out = resp.getWriter();
        out.println("addServlet=" + attempt(() -> context.addServlet("late", HttpServlet.class)));
        out.println("addFilter=" + attempt(() -> context.addFilter("late", TraceFilter.class)));
        out.println("addListener=" + attempt(() -> context.addListener(new EventListener() { })));
        out.println("addRequestListener=" + attempt(() -> context.addListener(RequestListeners.One.class)));
        out.println("setInitParameter=" + attempt(() -> context.setInitParameter("late", "1")));
        out.println("addMapping=" + attempt(() -> context.getServletRegistration(getServletName()).addMapping("/late")));
    }

    private static String attempt(Runnable call) {
        try {
            call.run();
            return "ok";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    @Override
    public void destroy() {
        Events.add(getServletContext(), "destroy " + getServletName());
    }
}
