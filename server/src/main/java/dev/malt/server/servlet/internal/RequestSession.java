package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.core.SessionManager;
import dev.malt.server.servlet.core.WebApp;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpSession;

import java.util.List;

/**
 * Which session one request belongs to: the id the client sent (a cookie, else a {@code ;jsessionid=}
 * path parameter), the session found or created for it, and the Set-Cookie that tells the client.
 */
public final class RequestSession {

    private final MaltHttpRequest request;
    private final SessionManager sessions;
    private final WebApp context;
    private boolean parsed;
    private String requestedId;
    private boolean fromCookie;
    private boolean fromUrl;
    private MaltHttpSession session;
    private boolean accessed;

    RequestSession(MaltHttpRequest request, WebApp context) {
        this.request = request;
        this.context = context;
        this.sessions = context.sessions();
    }

    WebApp context() {
        return context;
    }

    /** The manager of this context's sessions. */
    public SessionManager manager() {
        return sessions;
    }

    HttpSession get(boolean create) {
        if (session != null && session.isValid()) {
            return session;
        }
        session = null;
        if (context != request.topLevelApp()) {
            return crossContext(create);
        }
        String id = requestedId();
        if (id != null) {
            MaltHttpSession found = sessions.find(id);
            if (found != null) {
                session = found;
                if (!accessed) {
                    accessed = true;
                    sessions.access(found, true);
                }
                return session;
            }
        }
        if (!create) {
            return null;
        }
        MaltHttpResponse response = request.response();
        if (response != null && response.isCommitted()) {
            throw new IllegalStateException(ServletMessages.sessionAfterCommit());
        }
        session = sessions.create();
        accessed = true;
        sendCookie();
        return session;
    }

    /**
     * The session of a context a cross-context dispatch entered: the client only holds the top-level
     * context's cookie, so this context's session shares that session's id (and is created with it).
     */
    private HttpSession crossContext(boolean create) {
        HttpSession top = request.topLevelSession(create);
        if (top == null) {
            return null;
        }
        MaltHttpSession local = sessions.find(top.getId());
        if (local == null && create) {
            local = sessions.create(top.getId());
        }
        if (local != null && !accessed) {
            accessed = true;
            sessions.access(local, !top.isNew());
        }
        session = local;
        return local;
    }

    String changeId() {
        HttpSession current = get(false);
        if (current == null) {
            throw new IllegalStateException(ServletMessages.noSessionToChange());
        }
        String newId = sessions.changeId(session);
        sendCookie();
        return newId;
    }

    private void sendCookie() {
        MaltHttpResponse response = request.response();
        if (response != null && sessions.effectiveTrackingModes().contains(SessionTrackingMode.COOKIE)
                && !response.isCommitted()) {
            response.setSessionCookie(sessions.cookieConfig().cookie(session.getId(), request));
        }
    }

    String requestedId() {
        parse();
        return requestedId;
    }

    boolean isRequestedIdValid() {
        String id = requestedId();
        if (id == null) {
            return false;
        }
        if (session != null && session.isValid() && id.equals(session.getId())) {
            return true;
        }
        return sessions.find(id) != null;
    }

    boolean isRequestedIdFromCookie() {
        parse();
        return fromCookie;
    }

    boolean isRequestedIdFromUrl() {
        parse();
        return fromUrl;
    }

    /** The session used by the request, to be saved when it ends; may be invalid by then. */
    public MaltHttpSession used() {
        return session;
    }

    private void parse() {
        if (parsed) {
            return;
        }
        parsed = true;
        var modes = sessions.effectiveTrackingModes();
        if (modes.contains(SessionTrackingMode.COOKIE)) {
            String name = sessions.cookieConfig().effectiveName();
            jakarta.servlet.http.Cookie[] cookies = request.getCookies();
            if (cookies != null) {
                java.util.List<String> values = new java.util.ArrayList<>(1);
                for (jakarta.servlet.http.Cookie cookie : cookies) {
                    if (cookie.getName().equals(name)) {
                        values.add(cookie.getValue());
                    }
                }
                if (!values.isEmpty()) {
                    requestedId = values.get(0);
                    if (values.size() > 1) {
                        // several cookies (paths): take the one that is live; one cookie is looked up once, later
                        for (String value : values) {
                            if (sessions.find(value) != null) {
                                requestedId = value;
                                break;
                            }
                        }
                    }
                    fromCookie = true;
                    return;
                }
            }
        }
        if (modes.contains(SessionTrackingMode.URL)) {
            String id = SessionUrls.pathParameter(request.model().requestUri(), sessions.uriParameterName());
            if (id != null && !id.isEmpty()) {
                requestedId = id;
                fromUrl = true;
            }
        }
    }

    static List<String> none() {
        return List.of();
    }
}
