package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.core.ContextAttributeEvents;
import dev.malt.server.servlet.apps.core.LabelledContextListener;
import dev.malt.server.servlet.apps.core.LifecycleFilter;
import dev.malt.server.servlet.apps.core.LifecycleProbeServlet;
import dev.malt.server.servlet.apps.core.ListenerInitializer;
import dev.malt.server.servlet.apps.core.RequestListeners;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import static dev.malt.server.servlet.TestWebApp.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listeners and the life of a context, its servlets and filters (Servlet 6.1 chapters 2.3, 4.4, 6.2.1, 11). */
class LifecycleTest {

    private static TestWebApp app() {
        return TestWebApp.at("/ctx")
                .initializer(ListenerInitializer.class)
                .listener(LabelledContextListener.First.class)
                .listener(LabelledContextListener.Second.class)
                .listener(RequestListeners.One.class)
                .listener(RequestListeners.Two.class)
                .listener(ContextAttributeEvents.class)
                .filter("filter", LifecycleFilter.class, false, Map.of())
                .filterOnUrls("filter", List.of("/*"))
                .servlet("third", LifecycleProbeServlet.class, 3, false, Map.of(), "/third")
                .servlet("first", LifecycleProbeServlet.class, 1, false, Map.of(), "/first")
                .servlet("lazy", LifecycleProbeServlet.class, null, false, Map.of(), "/lazy")
                .servlet("second", LifecycleProbeServlet.class, 2, false, Map.of(), "/second");
    }

    private static List<String> only(List<String> events, String... prefixes) {
        List<String> kept = new ArrayList<>();
        for (String event : events) {
            for (String prefix : prefixes) {
                if (event.startsWith(prefix)) {
                    kept.add(event);
                    break;
                }
            }
        }
        return kept;
    }

    // 11.3.2, 6.2.1, 2.3.1: context listeners in order, before any filter or servlet; filters are
    // initialized at startup; load-on-startup servlets in ascending order; others on first use
    @Test
    void startupOrder() {
        try (ServletHost host = app().start()) {
            List<String> events = drain(TestWebApp.events(host, "/ctx"));
            assertEquals("initializer.onStartup", events.get(0));
            List<String> initialized = only(events, "First.initialized", "Second.initialized");
            assertEquals(List.of("First.initialized", "Second.initialized"), initialized);
            List<String> lifecycle = only(events, "Programmatic.initialized", "First.initialized",
                    "Second.initialized", "filter init", "init ");
            assertEquals(List.of("filter init filter", "init first", "init second", "init third"),
                    lifecycle.subList(3, lifecycle.size()), events.toString());
            assertEquals(3, only(lifecycle.subList(0, 3), "Programmatic.", "First.", "Second.").size(), events.toString());

            RecordingChannel lazy = TestWebApp.get(host, "/ctx/lazy");
            assertEquals(200, lazy.status);
            assertEquals(List.of("init lazy"), only(drain(TestWebApp.events(host, "/ctx")), "init "));
        }
    }

    // 4.4 and ServletContext#addListener: only an initializer may add a context listener; a listener
    // added that way gets a context that cannot configure the app
    @Test
    void programmaticContextListenersAndTheirRestrictedContext() {
        try (ServletHost host = app().start()) {
            List<String> events = drain(TestWebApp.events(host, "/ctx"));
            assertTrue(events.contains("First.addContextListener=IllegalArgumentException"), events.toString());
            assertTrue(events.contains("Second.addContextListener=IllegalArgumentException"), events.toString());
            assertEquals(List.of(
                    "Programmatic.initialized",
                    "Programmatic.getServletRegistrations=UnsupportedOperationException",
                    "Programmatic.addServlet=UnsupportedOperationException",
                    "Programmatic.addListener=UnsupportedOperationException",
                    "Programmatic.getSessionCookieConfig=UnsupportedOperationException",
                    "Programmatic.getContextPath=ok"), only(events, "Programmatic."));
        }
    }

    // 4.4: once the context is initialized, registration is an IllegalStateException
    @Test
    void registrationAfterStartIsIllegal() {
        try (ServletHost host = app().start()) {
            Map<String, String> e = Hosts.lines(TestWebApp.get(host, "/ctx/first").bodyText());
            assertEquals("IllegalStateException", e.get("addServlet"));
            assertEquals("IllegalStateException", e.get("addFilter"));
            assertEquals("IllegalStateException", e.get("addListener"));
            assertEquals("IllegalStateException", e.get("addRequestListener"));
            assertEquals("IllegalStateException", e.get("setInitParameter"));
            assertEquals("IllegalStateException", e.get("addMapping"));
        }
    }

    // 11.3.2 and 11.2: request listeners in order, destroyed in reverse; request and context
    // attribute listeners hear added, replaced (old value) and removed
    @Test
    void requestAndAttributeListeners() {
        try (ServletHost host = app().start()) {
            BlockingQueue<String> queue = TestWebApp.events(host, "/ctx");
            drain(queue);
            assertEquals(200, TestWebApp.get(host, "/ctx/first").status);
            assertEquals(List.of(
                    "One.initialized /ctx/first",
                    "Two.initialized /ctx/first",
                    "One.attributeAdded app.r=1",
                    "Two.attributeAdded app.r=1",
                    "One.attributeReplaced app.r=1",
                    "Two.attributeReplaced app.r=1",
                    "One.attributeRemoved app.r=2",
                    "Two.attributeRemoved app.r=2",
                    "context.added app.c=1 now 1",
                    "context.replaced app.c=1 now 2",
                    "context.removed app.c=2 now null",
                    "Two.destroyed",
                    "One.destroyed"), drain(queue));
        }
    }

    // 11.3.3 and ServletContextListener#contextDestroyed: servlets (reverse load order) and filters are
    // destroyed first, then context listeners hear it in reverse order
    @Test
    void shutdownOrder() {
        ServletHost host = app().start();
        BlockingQueue<String> queue = TestWebApp.events(host, "/ctx");
        List<String> initialized = only(drain(queue), "Programmatic.initialized", "First.initialized",
                "Second.initialized");
        host.close();
        List<String> events = drain(queue);
        assertEquals(List.of("destroy third", "destroy second", "destroy first"), only(events, "destroy "));
        int lastServlet = events.lastIndexOf("destroy first");
        int filter = events.indexOf("filter destroy filter");
        assertTrue(lastServlet < filter, events.toString());
        List<String> destroyed = only(events, "Programmatic.destroyed", "First.destroyed", "Second.destroyed");
        List<String> expected = new ArrayList<>();
        for (String event : initialized) {
            expected.add(event.replace("initialized", "destroyed"));
        }
        Collections.reverse(expected);
        assertEquals(expected, destroyed);
        assertTrue(filter < events.indexOf(destroyed.get(0)), events.toString());
    }
}
