package dev.malt.server.servlet.core;

import dev.malt.server.servlet.deploy.SessionConfigModel;
import dev.malt.server.servlet.internal.MaltHttpSession;
import dev.malt.server.servlet.internal.MaltSessionCookieConfig;
import dev.malt.server.servlet.internal.RequestRejectedException;
import dev.malt.server.servlet.internal.ServletMessages;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;

import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The session rules of one context (Servlet spec chapter 7): ids, timeouts, expiry, and the events the
 * app hears: created/destroyed, id changes, attribute added/replaced/removed, and bound/unbound for
 * values that implement {@link HttpSessionBindingListener}, and activation around a shared store's writes
 * and reads ({@link HttpSessionActivationListener}). Storage is the {@link SessionStore}'s.
 *
 * <p>With a store shared by several workers, each of them may find a session expired, or invalidate it,
 * at the same time: the store's claim decides which one fires {@code sessionDestroyed}.
 */
public final class SessionManager implements AutoCloseable {

    /** The spec leaves it to the container; Tomcat and Jetty use 30 minutes. */
    public static final int DEFAULT_TIMEOUT_MINUTES = 30;
    /** How often expired sessions are looked for by default (they are also checked on every access). */
    public static final int DEFAULT_SWEEP_SECONDS = 60;
    private static final int ID_BYTES = 16;

    private final WebApp app;
    private final SessionStore store;
    private final MaltSessionCookieConfig cookieConfig;
    private final SecureRandom random = new SecureRandom();
    private final AtomicBoolean warnedWorkers = new AtomicBoolean();
    private final int workers;
    private final int sweepSeconds;
    private volatile int timeoutMinutes;
    private volatile Set<SessionTrackingMode> trackingModes;
    private ScheduledFuture<?> sweeper;

    SessionManager(WebApp app, SessionStore.Factory stores, SessionConfigModel config, int workers, int sweepSeconds) {
        this.app = app;
        this.workers = workers;
        this.sweepSeconds = sweepSeconds;
        this.store = stores.open(new SessionStore.Context(app.appName(), app.contextPath(), app.classLoader(),
                app.clock(), app.log(), new Activation()));
        this.timeoutMinutes = config.timeoutMinutes() != null ? config.timeoutMinutes() : DEFAULT_TIMEOUT_MINUTES;
        this.trackingModes = config.trackingModes();
        this.cookieConfig = new MaltSessionCookieConfig(app);
        cookieConfig.configure(config);
    }

    void start() {
        sweeper = app.timers().scheduleWithFixedDelay(this::sweep, sweepSeconds, sweepSeconds, TimeUnit.SECONDS);
    }

    /** True when sessions are shared by the app's workers (serialized into a shared store). */
    public boolean isShared() {
        return store.serializes();
    }

    /** Where this context's sessions live, for messages. */
    public String storeDescription() {
        return store.describe();
    }

    public WebApp app() {
        return app;
    }

    public void setMaxInactive(SessionData data, int seconds) {
        data.setMaxInactiveSeconds(seconds);
    }

    /** An attribute value on its way to the app: a shared store saves the session again if it can change. */
    public Object read(SessionData data, Object value) {
        return data.read(value);
    }

    public MaltSessionCookieConfig cookieConfig() {
        return cookieConfig;
    }

    public int timeoutMinutes() {
        return timeoutMinutes;
    }

    public void setTimeoutMinutes(int minutes) {
        app.checkInitializing("setSessionTimeout");
        timeoutMinutes = minutes;
    }

    public static Set<SessionTrackingMode> defaultTrackingModes() {
        return EnumSet.of(SessionTrackingMode.COOKIE, SessionTrackingMode.URL);
    }

    public Set<SessionTrackingMode> effectiveTrackingModes() {
        Set<SessionTrackingMode> modes = trackingModes;
        return modes == null ? defaultTrackingModes() : modes;
    }

    public void setTrackingModes(Set<SessionTrackingMode> modes) {
        app.checkInitializing("setSessionTrackingModes");
        if (modes.contains(SessionTrackingMode.SSL)) {
            throw new IllegalArgumentException(ServletMessages.sslTrackingUnsupported());
        }
        trackingModes = modes.isEmpty() ? EnumSet.noneOf(SessionTrackingMode.class) : EnumSet.copyOf(modes);
    }

    /** The name of the URL path parameter that carries the id: always {@code jsessionid} (spec 7.1.3). */
    public String uriParameterName() {
        return "jsessionid";
    }

    // ---- finding and creating

    /** The live session with this id, or {@code null}; an expired one is expired now, with its events. */
    public MaltHttpSession find(String id) {
        if (id == null || id.isEmpty()) {
            return null;
        }
        SessionData data;
        try {
            data = store.load(id);
        } catch (SessionStoreException e) {
            throw unavailable(e);
        }
        if (data == null || !data.isValid()) {
            return null;
        }
        if (data.isExpired(app.clock().millis())) {
            expire(data);
            return null;
        }
        return view(data);
    }

    /** A new session for a request. */
    public MaltHttpSession create() {
        return create(null);
    }

    /**
     * A new session; with {@code id} given, under that id: a cross-context dispatch keeps one id per user
     * across the contexts it visits (the top-level context's, whose cookie the client holds), as Tomcat does.
     */
    public MaltHttpSession create(String id) {
        if (workers > 1 && !store.serializes() && warnedWorkers.compareAndSet(false, true)) {
            app.log().warn(ServletMessages.sessionsNotShared(app.appName(), workers));
        }
        long now = app.clock().millis();
        int timeoutSeconds = timeoutMinutes <= 0 ? -1 : timeoutMinutes * 60;
        // 128 random bits: a collision with a live session is not a case worth a lookup per new session
        SessionData data = new SessionData(id != null ? id : newId(), now, timeoutSeconds);
        try {
            store.add(data);
        } catch (SessionStoreException e) {
            throw unavailable(e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(ServletMessages.sessionStoreFull(app.appName(), e.getMessage()), e);
        }
        data.enter();
        MaltHttpSession session = view(data);
        app.listeners().sessionCreated(new HttpSessionEvent(session));
        return session;
    }

    private MaltHttpSession view(SessionData data) {
        Object view = data.view();
        if (view instanceof MaltHttpSession session) {
            return session;
        }
        synchronized (data) {
            if (!(data.view() instanceof MaltHttpSession)) {
                data.setView(new MaltHttpSession(data, this));
            }
            return (MaltHttpSession) data.view();
        }
    }

    /** A request came with this session's id: it is no longer new, and its clock restarts. */
    public void access(MaltHttpSession session, boolean joined) {
        SessionData data = session.data();
        long now = app.clock().millis();
        data.accessed(now);
        if (joined) {
            data.joined();
        }
        data.enter();
        try {
            store.accessed(data, now);
        } catch (SessionStoreException e) {
            app.log().debug("session access not recorded", e); // the store logged it; the save retries
        }
    }

    /** At the end of a request that used the session: a shared store writes it back now. */
    public void requestDone(MaltHttpSession session) {
        SessionData data = session.data();
        boolean changed = data.leave();
        if (data.isValid()) {
            long now = app.clock().millis();
            data.released(now);
            try {
                store.save(data, now, changed);
            } catch (SessionStoreException e) {
                app.log().error(ServletMessages.sessionNotSaved(app.appName(), data.id(), e.getMessage()));
            }
        }
    }

    /**
     * The request's response is about to end, perhaps before the servlet returned (its Content-Length
     * reached, a redirect): a shared store writes the session now, so that the client's next request,
     * which may reach another worker at once, finds it. {@link #requestDone} still saves what changes
     * after this point.
     */
    public void saveBeforeResponseEnds(MaltHttpSession session) {
        SessionData data = session.data();
        if (!store.serializes() || !data.isValid() || !(data.isDirty() || data.revision() == 0)) {
            return;
        }
        try {
            store.save(data, app.clock().millis(), true);
        } catch (SessionStoreException e) {
            app.log().error(ServletMessages.sessionNotSaved(app.appName(), data.id(), e.getMessage()));
        }
    }

    public String changeId(MaltHttpSession session) {
        SessionData data = session.data();
        String oldId = data.id();
        String newId = newId();
        boolean moved;
        try {
            moved = store.changeId(data, newId);
        } catch (SessionStoreException e) {
            throw unavailable(e);
        }
        if (!moved) {
            throw new IllegalStateException(ServletMessages.sessionInvalidated("changeSessionId"));
        }
        data.setId(newId);
        app.listeners().sessionIdChanged(new HttpSessionEvent(session), oldId);
        return newId;
    }

    private String newId() {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    public int timeoutSecondsDefault() {
        return timeoutMinutes <= 0 ? -1 : timeoutMinutes * 60;
    }

    // ---- attributes, with their events

    public void setAttribute(MaltHttpSession session, String name, Object value) {
        SessionData data = session.data();
        // A value that cannot be serialized is kept by this worker only: the store leaves it out of the saved
        // session and its log names the attribute once. Refusing it here, as Tomcat does for <distributable/>
        // apps, would break the many WARs (and the Servlet TCK) that never asked to be distributable.
        data.markDirty();
        Object old = data.attributes().get(name);
        if (value instanceof HttpSessionBindingListener bound && value != old) {
            safely(() -> bound.valueBound(new HttpSessionBindingEvent(session, name, value)));
        }
        old = data.attributes().put(name, value);
        if (old instanceof HttpSessionBindingListener unbound && old != value) {
            Object oldValue = old;
            safely(() -> unbound.valueUnbound(new HttpSessionBindingEvent(session, name, oldValue)));
        }
        if (old == null) {
            app.listeners().sessionAttributeAdded(new HttpSessionBindingEvent(session, name, value));
        } else {
            app.listeners().sessionAttributeReplaced(new HttpSessionBindingEvent(session, name, old));
        }
    }

    public void removeAttribute(MaltHttpSession session, String name) {
        Object old = session.data().attributes().remove(name);
        if (old == null) {
            return;
        }
        session.data().markDirty();
        if (old instanceof HttpSessionBindingListener unbound) {
            safely(() -> unbound.valueUnbound(new HttpSessionBindingEvent(session, name, old)));
        }
        app.listeners().sessionAttributeRemoved(new HttpSessionBindingEvent(session, name, old));
    }

    private void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            app.log().error(ServletMessages.sessionListenerFailed(), e);
        }
    }

    // ---- the end of a session

    /** {@code HttpSession.invalidate()}: destroyed listeners while the session still works, then unbinding. */
    public void invalidate(MaltHttpSession session) {
        SessionData data = session.data();
        if (!data.isValid()) {
            throw new IllegalStateException(ServletMessages.sessionInvalidated("invalidate"));
        }
        end(data, session);
    }

    private void expire(SessionData data) {
        end(data, view(data));
    }

    private void end(SessionData data, MaltHttpSession session) {
        boolean claimed;
        try {
            claimed = store.claim(data);
        } catch (SessionStoreException e) {
            throw unavailable(e);
        }
        if (!claimed) {
            data.invalidate(); // another worker (or thread) ended it and fired the listeners
            return;
        }
        destroy(data, session);
    }

    /** The listeners of a session this worker claimed: destroyed while it still works, then unbinding. */
    private void destroy(SessionData data, MaltHttpSession session) {
        app.withClassLoader(() -> app.listeners().sessionDestroyed(new HttpSessionEvent(session)));
        if (!data.invalidate()) {
            return;
        }
        for (String name : Set.copyOf(data.attributes().keySet())) {
            app.withClassLoader(() -> removeAttribute(session, name));
        }
    }

    /** Expires every session whose time ran out; the context's timer runs it every minute. */
    public void sweep() {
        try {
            long now = app.clock().millis();
            for (SessionData data : store.claimExpired(now)) {
                if (data.isValid()) {
                    destroy(data, view(data));
                }
            }
        } catch (RuntimeException e) {
            app.log().error(ServletMessages.sessionSweepFailed(app.appName()), e);
        }
    }

    int size() {
        return store.size();
    }

    /** At stop: sessions of a memory store die with the worker; their listeners hear it. */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (store instanceof MemorySessionStore memory) {
            for (SessionData data : memory.claimAll()) {
                if (data.isValid()) {
                    destroy(data, view(data));
                }
            }
        }
        store.close();
    }

    private RequestRejectedException unavailable(SessionStoreException e) {
        RequestRejectedException rejected = new RequestRejectedException(503,
                ServletMessages.sessionStoreUnavailable(app.appName(), e.getMessage()));
        rejected.initCause(e);
        return rejected;
    }

    /** HttpSessionActivationListener values hear when the store serializes them and reads them back. */
    private final class Activation implements SessionStore.Activation {

        @Override
        public void willPassivate(SessionData data) {
            fire(data, true);
        }

        @Override
        public void didActivate(SessionData data) {
            fire(data, false);
        }

        private void fire(SessionData data, boolean passivate) {
            MaltHttpSession session = null;
            for (Object value : data.attributes().values()) {
                if (value instanceof HttpSessionActivationListener listener) {
                    if (session == null) {
                        session = view(data);
                    }
                    HttpSessionEvent event = new HttpSessionEvent(session);
                    app.withClassLoader(() -> safely(() -> {
                        if (passivate) {
                            listener.sessionWillPassivate(event);
                        } else {
                            listener.sessionDidActivate(event);
                        }
                    }));
                }
            }
        }
    }

    Map<String, Object> attributesOf(MaltHttpSession session) {
        return session.data().attributes();
    }
}
