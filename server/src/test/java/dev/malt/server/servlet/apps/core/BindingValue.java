package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;

import java.io.Serializable;

/**
 * A session value that records when it is bound and unbound, and whether it was still readable then.
 * Serializable, so it also lives in stores shared by workers; it reports to the context of the session
 * it is bound to, which is the one that read it back.
 */
public class BindingValue implements HttpSessionBindingListener, Serializable {

    private static final long serialVersionUID = 1L;

    private final String label;

    public BindingValue(ServletContext context, String label) {
        this.label = label;
    }

    @Override
    public void valueBound(HttpSessionBindingEvent event) {
        ServletContext context = event.getSession().getServletContext();
        Events.add(context, "bound " + label + " as " + event.getName() + " visible="
                + (event.getSession().getAttribute(event.getName()) == this));
    }

    @Override
    public void valueUnbound(HttpSessionBindingEvent event) {
        Events.add(event.getSession().getServletContext(), "unbound " + label + " as " + event.getName());
    }

    @Override
    public String toString() {
        return label;
    }
}
