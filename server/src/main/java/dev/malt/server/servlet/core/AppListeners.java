package dev.malt.server.servlet.core;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextAttributeEvent;
import jakarta.servlet.ServletContextAttributeListener;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestAttributeEvent;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EventListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The app's event listeners by kind, and the one place that calls them. The spec's order: in
 * registration order for "initialized/created/added" events, in reverse for "destroyed" ones (11.3.3).
 * A listener that throws on an attribute event is logged and the others still run; lifecycle
 * failures propagate to the caller, which decides (a failing contextInitialized fails the deployment).
 */
public final class AppListeners {

    /** Every kind the spec allows to be registered on a context. */
    static final List<Class<? extends EventListener>> KINDS = List.of(
            ServletContextListener.class, ServletContextAttributeListener.class, ServletRequestListener.class,
            ServletRequestAttributeListener.class, HttpSessionListener.class, HttpSessionAttributeListener.class,
            HttpSessionIdListener.class);

    private final Logger log;
    private final List<ServletContextListener> context = new CopyOnWriteArrayList<>();
    /** Context listeners that were not declared in a descriptor or annotated: they get a restricted context. */
    private final List<ServletContextListener> programmatic = new CopyOnWriteArrayList<>();
    private final List<ServletContextAttributeListener> contextAttributes = new CopyOnWriteArrayList<>();
    private final List<ServletRequestListener> requests = new CopyOnWriteArrayList<>();
    private final List<ServletRequestAttributeListener> requestAttributes = new CopyOnWriteArrayList<>();
    private final List<HttpSessionListener> sessions = new CopyOnWriteArrayList<>();
    private final List<HttpSessionAttributeListener> sessionAttributes = new CopyOnWriteArrayList<>();
    private final List<HttpSessionIdListener> sessionIds = new CopyOnWriteArrayList<>();
    private final java.util.Set<EventListener> declaredListeners =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    AppListeners(Logger log) {
        this.log = log;
    }

    /** Whether {@code listener} implements at least one kind a context accepts. */
    static boolean isSupported(Object listener) {
        for (Class<? extends EventListener> kind : KINDS) {
            if (kind.isInstance(listener)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param declared whether it came from a descriptor or {@code @WebListener} (false: {@code addListener}
     *                 from an initializer or another listener)
     */
    void add(EventListener listener, boolean declared) {
        if (listener instanceof ServletContextListener l) {
            insert(context, l, declared);
            if (!declared) {
                programmatic.add(l);
            }
        }
        if (listener instanceof ServletContextAttributeListener l) {
            insert(contextAttributes, l, declared);
        }
        if (listener instanceof ServletRequestListener l) {
            insert(requests, l, declared);
        }
        if (listener instanceof ServletRequestAttributeListener l) {
            insert(requestAttributes, l, declared);
        }
        if (listener instanceof HttpSessionListener l) {
            insert(sessions, l, declared);
        }
        if (listener instanceof HttpSessionAttributeListener l) {
            insert(sessionAttributes, l, declared);
        }
        if (listener instanceof HttpSessionIdListener l) {
            insert(sessionIds, l, declared);
        }
        if (declared) {
            declaredListeners.add(listener);
        }
    }

    /**
     * Declared listeners (descriptors, {@code @WebListener}) come before those that initializers and
     * other listeners added, as in Tomcat: a listener a TLD brings may rely on what web.xml's set up.
     */
    private <T extends EventListener> void insert(List<T> list, T listener, boolean declared) {
        if (!declared) {
            list.add(listener);
            return;
        }
        int at = 0;
        while (at < list.size() && declaredListeners.contains(list.get(at))) {
            at++;
        }
        list.add(at, listener);
    }

    /** Every listener instance once, in registration order; for {@code @PreDestroy} at stop. */
    List<EventListener> all() {
        List<EventListener> all = new ArrayList<>();
        for (List<? extends EventListener> list : List.of(context, contextAttributes, requests, requestAttributes,
                sessions, sessionAttributes, sessionIds)) {
            for (EventListener l : list) {
                if (all.stream().noneMatch(x -> x == l)) {
                    all.add(l);
                }
            }
        }
        return all;
    }

    boolean hasSessionListeners() {
        return !sessions.isEmpty() || !sessionAttributes.isEmpty() || !sessionIds.isEmpty();
    }

    // ---- context

    /**
     * Calls every context listener's {@code contextInitialized}, in order. Listeners added during this
     * call (by another listener) run too.
     *
     * @param restricted the context view for listeners that were not declared
     */
    void contextInitialized(ServletContext full, ServletContext restricted, ListenerCall call) throws Exception {
        for (int i = 0; i < context.size(); i++) {
            ServletContextListener l = context.get(i);
            ServletContext view = programmatic.contains(l) ? restricted : full;
            call.run(l, () -> l.contextInitialized(new ServletContextEvent(view)));
        }
    }

    /** Reverse order; failures are logged, every listener still runs. */
    void contextDestroyed(ServletContext full, ServletContext restricted) {
        List<ServletContextListener> reversed = new ArrayList<>(context);
        Collections.reverse(reversed);
        for (ServletContextListener l : reversed) {
            ServletContext view = programmatic.contains(l) ? restricted : full;
            try {
                l.contextDestroyed(new ServletContextEvent(view));
            } catch (Throwable t) {
                log.error("contextDestroyed of {} failed", l.getClass().getName(), t);
            }
        }
    }

    /** How the container runs one listener call: with the right class loader, and its own error handling. */
    @FunctionalInterface
    interface ListenerCall {
        void run(EventListener listener, ThrowingRunnable call) throws Exception;
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    public void contextAttributeAdded(ServletContext source, String name, Object value) {
        for (ServletContextAttributeListener l : contextAttributes) {
            safely(l, () -> l.attributeAdded(new ServletContextAttributeEvent(source, name, value)));
        }
    }

    public void contextAttributeReplaced(ServletContext source, String name, Object oldValue) {
        for (ServletContextAttributeListener l : contextAttributes) {
            safely(l, () -> l.attributeReplaced(new ServletContextAttributeEvent(source, name, oldValue)));
        }
    }

    public void contextAttributeRemoved(ServletContext source, String name, Object oldValue) {
        for (ServletContextAttributeListener l : contextAttributes) {
            safely(l, () -> l.attributeRemoved(new ServletContextAttributeEvent(source, name, oldValue)));
        }
    }

    // ---- requests

    public boolean hasRequestListeners() {
        return !requests.isEmpty();
    }

    public boolean hasRequestAttributeListeners() {
        return !requestAttributes.isEmpty();
    }

    /** In order; a failure propagates (the request is answered 500). */
    public void requestInitialized(ServletContext context, ServletRequest request) {
        for (ServletRequestListener l : requests) {
            l.requestInitialized(new ServletRequestEvent(context, request));
        }
    }

    /** Reverse order; failures are logged. */
    public void requestDestroyed(ServletContext context, ServletRequest request) {
        for (int i = requests.size() - 1; i >= 0; i--) {
            ServletRequestListener l = requests.get(i);
            safely(l, () -> l.requestDestroyed(new ServletRequestEvent(context, request)));
        }
    }

    public void requestAttributeAdded(ServletContext context, ServletRequest request, String name, Object value) {
        for (ServletRequestAttributeListener l : requestAttributes) {
            safely(l, () -> l.attributeAdded(new ServletRequestAttributeEvent(context, request, name, value)));
        }
    }

    public void requestAttributeReplaced(ServletContext context, ServletRequest request, String name, Object old) {
        for (ServletRequestAttributeListener l : requestAttributes) {
            safely(l, () -> l.attributeReplaced(new ServletRequestAttributeEvent(context, request, name, old)));
        }
    }

    public void requestAttributeRemoved(ServletContext context, ServletRequest request, String name, Object old) {
        for (ServletRequestAttributeListener l : requestAttributes) {
            safely(l, () -> l.attributeRemoved(new ServletRequestAttributeEvent(context, request, name, old)));
        }
    }

    // ---- sessions

    public void sessionCreated(HttpSessionEvent event) {
        for (HttpSessionListener l : sessions) {
            safely(l, () -> l.sessionCreated(event));
        }
    }

    public void sessionDestroyed(HttpSessionEvent event) {
        for (int i = sessions.size() - 1; i >= 0; i--) {
            HttpSessionListener l = sessions.get(i);
            safely(l, () -> l.sessionDestroyed(event));
        }
    }

    public void sessionIdChanged(HttpSessionEvent event, String oldId) {
        for (HttpSessionIdListener l : sessionIds) {
            safely(l, () -> l.sessionIdChanged(event, oldId));
        }
    }

    public void sessionAttributeAdded(HttpSessionBindingEvent event) {
        for (HttpSessionAttributeListener l : sessionAttributes) {
            safely(l, () -> l.attributeAdded(event));
        }
    }

    public void sessionAttributeReplaced(HttpSessionBindingEvent event) {
        for (HttpSessionAttributeListener l : sessionAttributes) {
            safely(l, () -> l.attributeReplaced(event));
        }
    }

    public void sessionAttributeRemoved(HttpSessionBindingEvent event) {
        for (HttpSessionAttributeListener l : sessionAttributes) {
            safely(l, () -> l.attributeRemoved(event));
        }
    }

    private void safely(EventListener listener, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            log.error("listener {} failed", listener.getClass().getName(), e);
        }
    }
}
