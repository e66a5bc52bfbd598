package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.core.SessionData;
import dev.malt.server.servlet.core.SessionManager;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.function.Consumer;

/** The app's view of one session; the rules and events are {@link SessionManager}'s. */
public final class MaltHttpSession implements HttpSession {

    private final SessionData data;
    private final SessionManager manager;

    public MaltHttpSession(SessionData data, SessionManager manager) {
        this.data = data;
        this.manager = manager;
    }

    public SessionData data() {
        return data;
    }

    public boolean isValid() {
        return data.isValid();
    }

    private void check(String method) {
        if (!data.isValid()) {
            throw new IllegalStateException(ServletMessages.sessionInvalidated(method));
        }
    }

    @Override
    public long getCreationTime() {
        check("getCreationTime");
        return data.creationTime();
    }

    @Override
    public String getId() {
        return data.id();
    }

    @Override
    public long getLastAccessedTime() {
        check("getLastAccessedTime");
        return data.lastAccessedTime();
    }

    @Override
    public ServletContext getServletContext() {
        return manager.app().context();
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        manager.setMaxInactive(data, interval);
    }

    @Override
    public int getMaxInactiveInterval() {
        return data.maxInactiveSeconds();
    }

    @Override
    public Object getAttribute(String name) {
        check("getAttribute");
        return name == null ? null : manager.read(data, data.attributes().get(name));
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        check("getAttributeNames");
        return Collections.enumeration(new ArrayList<>(data.attributes().keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (name == null) {
            throw new IllegalArgumentException(ServletMessages.attributeNameNull());
        }
        check("setAttribute");
        if (value == null) {
            manager.removeAttribute(this, name);
        } else {
            manager.setAttribute(this, name, value);
        }
    }

    @Override
    public void removeAttribute(String name) {
        check("removeAttribute");
        if (name != null) {
            manager.removeAttribute(this, name);
        }
    }

    @Override
    public void invalidate() {
        manager.invalidate(this);
    }

    @Override
    public boolean isNew() {
        check("isNew");
        return data.isFresh();
    }

    @Override
    public Accessor getAccessor() {
        check("getAccessor");
        String id = data.id();
        return consumer -> access(id, consumer);
    }

    private void access(String id, Consumer<HttpSession> consumer) {
        MaltHttpSession current = manager.find(id);
        if (current == null) {
            throw new IllegalStateException(ServletMessages.sessionInvalidated("access"));
        }
        manager.access(current, false);
        consumer.accept(current);
        manager.requestDone(current);
    }

    @Override
    public String toString() {
        return "MaltHttpSession[" + data.id() + "]";
    }
}
