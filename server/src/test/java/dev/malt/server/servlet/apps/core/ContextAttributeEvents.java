package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletContextAttributeEvent;
import jakarta.servlet.ServletContextAttributeListener;

/** Records context attribute events for the attributes the test's servlet sets ({@code app.*}). */
public class ContextAttributeEvents implements ServletContextAttributeListener {

    @Override
    public void attributeAdded(ServletContextAttributeEvent event) {
        record(event, "added");
    }

    @Override
    public void attributeRemoved(ServletContextAttributeEvent event) {
        record(event, "removed");
    }

    @Override
    public void attributeReplaced(ServletContextAttributeEvent event) {
        record(event, "replaced");
    }

    private static void record(ServletContextAttributeEvent event, String kind) {
        if (event.getName().startsWith("app.")) {
            Events.add(event.getServletContext(), "context." + kind + " " + event.getName() + "=" + event.getValue()
                    + " now " + event.getServletContext().getAttribute(event.getName()));
        }
    }
}
