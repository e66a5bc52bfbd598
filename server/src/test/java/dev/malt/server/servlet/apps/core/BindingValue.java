package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;

/** A session value that records when it is bound and unbound, and whether it was still readable then. */
public class BindingValue implements HttpSessionBindingListener {

    private final transient ServletContext context;
    private final String label;

    public BindingValue(ServletContext context, String label) {
        this.context = context;
        this.label = label;
    }

    @Override
    public void valueBound(HttpSessionBindingEvent event) {
        Events.add(context, "bound " + label + " as " + event.getName() + " visible="
                + (event.getSession().getAttribute(event.getName()) == this));
    }

    @Override
    public void valueUnbound(HttpSessionBindingEvent event) {
        Events.add(context, "unbound " + label + " as " + event.getName());
    }

    @Override
    public String toString() {
        return label;
    }
}
