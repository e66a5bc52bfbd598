package dev.malt.server.servlet.apps.core;

import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionEvent;

import java.io.Serializable;

/** A session value that records the activation events a store that serializes sessions sends it. */
public class ActivationValue implements HttpSessionActivationListener, Serializable {

    private static final long serialVersionUID = 1L;

    private final String label;

    public ActivationValue(String label) {
        this.label = label;
    }

    @Override
    public void sessionWillPassivate(HttpSessionEvent se) {
        Events.add(se.getSession().getServletContext(), "passivate " + label);
    }

    @Override
    public void sessionDidActivate(HttpSessionEvent se) {
        Events.add(se.getSession().getServletContext(), "activate " + label);
    }

    @Override
    public String toString() {
        return label;
    }
}
