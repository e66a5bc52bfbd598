package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;

import java.util.function.Supplier;

/**
 * A context listener added by an initializer, not declared: its context may not configure the app
 * (spec 4.4). It records what each such call did.
 */
public class ProgrammaticContextListener implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Events.add(context, "Programmatic.initialized");
        attempt(context, "getServletRegistrations", () -> context.getServletRegistrations());
        attempt(context, "addServlet", () -> context.addServlet("sneaky", HttpServlet.class));
        attempt(context, "addListener", () -> {
            context.addListener(RequestListeners.One.class);
            return null;
        });
        attempt(context, "getSessionCookieConfig", context::getSessionCookieConfig);
        attempt(context, "getContextPath", context::getContextPath);
    }

    private static void attempt(ServletContext context, String method, Supplier<Object> call) {
        String outcome;
        try {
            call.get();
            outcome = "ok";
        } catch (RuntimeException e) {
            outcome = e.getClass().getSimpleName();
        }
        Events.add(context, "Programmatic." + method + "=" + outcome);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Events.add(event.getServletContext(), "Programmatic.destroyed");
    }
}
