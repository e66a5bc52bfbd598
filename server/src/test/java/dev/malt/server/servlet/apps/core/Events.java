package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletContext;

import java.util.Queue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The app's side of the test's event queue: a {@code BlockingQueue<String>} in a context attribute,
 * a JDK type, so the test (another class loader) reads what the app wrote.
 */
public final class Events {

    public static final String ATTRIBUTE = "malt.test.events";

    private Events() {
    }

    @SuppressWarnings("unchecked")
    public static void add(ServletContext context, String event) {
        Queue<String> queue;
        synchronized (Events.class) {
            queue = (Queue<String>) context.getAttribute(ATTRIBUTE);
            if (queue == null) {
                queue = new LinkedBlockingQueue<>();
                context.setAttribute(ATTRIBUTE, queue);
            }
        }
        queue.add(event);
    }
}
