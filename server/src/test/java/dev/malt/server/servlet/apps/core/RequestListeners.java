package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletRequestAttributeEvent;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;

/** Two request listeners that record their events, to see their order. */
public final class RequestListeners {

    private RequestListeners() {
    }

    abstract static class Recording implements ServletRequestListener, ServletRequestAttributeListener {

        private String label() {
            return getClass().getSimpleName();
        }

        @Override
        public void requestInitialized(ServletRequestEvent event) {
            Events.add(event.getServletContext(), label() + ".initialized "
                    + ((HttpServletRequest) event.getServletRequest()).getRequestURI());
        }

        @Override
        public void requestDestroyed(ServletRequestEvent event) {
            Events.add(event.getServletContext(), label() + ".destroyed");
        }

        @Override
        public void attributeAdded(ServletRequestAttributeEvent event) {
            record(event, "attributeAdded");
        }

        @Override
        public void attributeRemoved(ServletRequestAttributeEvent event) {
            record(event, "attributeRemoved");
        }

        @Override
        public void attributeReplaced(ServletRequestAttributeEvent event) {
            record(event, "attributeReplaced");
        }

        private void record(ServletRequestAttributeEvent event, String kind) {
            if (!event.getName().startsWith("app.")) {
                return; // only what the test's servlet sets
            }
            Events.add(event.getServletContext(), label() + "." + kind + " " + event.getName() + "=" + event.getValue());
        }
    }

    public static class One extends Recording {
    }

    public static class Two extends Recording {
    }
}
