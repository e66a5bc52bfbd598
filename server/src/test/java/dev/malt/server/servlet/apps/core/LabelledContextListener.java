package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/** Records {@code LABEL.initialized} and {@code LABEL.destroyed}; the label is the class's simple name. */
public abstract class LabelledContextListener implements ServletContextListener {

    protected String label() {
        return getClass().getSimpleName();
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Events.add(context, label() + ".initialized");
        try {
            context.addListener(ProgrammaticContextListener.class);
            Events.add(context, label() + ".addContextListener=ok");
        } catch (RuntimeException e) {
            Events.add(context, label() + ".addContextListener=" + e.getClass().getSimpleName());
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Events.add(event.getServletContext(), label() + ".destroyed");
    }

    /** The first declared listener. */
    public static class First extends LabelledContextListener {
    }

    /** The second declared listener. */
    public static class Second extends LabelledContextListener {
    }
}
