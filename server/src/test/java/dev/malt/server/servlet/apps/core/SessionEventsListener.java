package dev.malt.server.servlet.apps.core;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;

/** Records every session event; on destruction, what the session's attributes still read. */
public class SessionEventsListener implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {

    @Override
    public void sessionCreated(HttpSessionEvent se) {
        Events.add(se.getSession().getServletContext(), "created " + se.getSession().getId());
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        HttpSession s = se.getSession();
        List<String> names = Collections.list(s.getAttributeNames());
        Collections.sort(names);
        StringJoiner attributes = new StringJoiner(",", "{", "}");
        for (String name : names) {
            attributes.add(name + "=" + s.getAttribute(name));
        }
        Events.add(s.getServletContext(), "destroyed " + s.getId() + " " + attributes);
    }

    @Override
    public void attributeAdded(HttpSessionBindingEvent event) {
        Events.add(event.getSession().getServletContext(), "added " + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeRemoved(HttpSessionBindingEvent event) {
        Events.add(event.getSession().getServletContext(), "removed " + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeReplaced(HttpSessionBindingEvent event) {
        Events.add(event.getSession().getServletContext(), "replaced " + event.getName() + "=" + event.getValue()
                + " now " + event.getSession().getAttribute(event.getName()));
    }

    @Override
    public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
        Events.add(event.getSession().getServletContext(), "idChanged " + oldSessionId + " -> "
                + event.getSession().getId());
    }
}
