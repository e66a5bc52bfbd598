package dev.malt.server.servlet.core;

import dev.malt.server.servlet.internal.MaltHttpRequest;
import dev.malt.server.servlet.internal.MaltHttpResponse;
import dev.malt.server.servlet.internal.MaltHttpSession;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Form based login (Servlet spec 13.6.3). A request for a protected URL without a login is remembered
 * in the session (method, URI and query; a POST's form parameters, bounded) 
 * and answered with the login page by a forward, so the browser keeps the URL it asked for. The form
 * posts {@code j_username} and {@code j_password} to {@code j_security_check}: on success the session
 * gets a new id (against session fixation), remembers the user, and the browser is redirected (303) to
 * the remembered URL, whose request then gets the remembered method and parameters back; on failure
 * the error page is shown by a forward, with status 200.
 */
final class FormLogin {

    /** The action of every login form. */
    static final String ACTION = "/j_security_check";
    /**
     * By default, a POSTed form bigger than this (names and values, in characters) is not kept across the
     * login: each session that met the login page holds at most this much.
     */
    static final int DEFAULT_MAX_SAVED_FORM_CHARS = 64 * 1024;
    /** The session note of the request that met the login page. */
    static final String SAVED_REQUEST_NOTE = "malt.security.savedRequest";

    /** The request that was sent to the login page. */
    record SavedRequest(String method, String requestUri, String queryString,
                        Map<String, List<String>> parameters) implements Serializable {
    }

    private final WebApp app;
    private final Security security;
    private final String loginPage;
    private final String errorPage;
    private final int maxSavedFormChars;

    FormLogin(WebApp app, Security security, String loginPage, String errorPage, int maxSavedFormChars) {
        this.app = app;
        this.security = security;
        this.loginPage = loginPage;
        this.errorPage = errorPage;
        this.maxSavedFormChars = maxSavedFormChars;
    }

    boolean hasLoginPage() {
        return loginPage != null;
    }

    /** A POST to {@code .../j_security_check}, whatever the directory: the form's action is relative. */
    static boolean isLoginAction(MaltHttpRequest request, String path) {
        return path.endsWith(ACTION) && "POST".equals(request.getMethod());
    }

    // ---- the login page

    /**
     * Remembers the request and shows the login page. {@code match} is the request's mapping when this
     * runs before the request's first dispatch (a constraint), {@code null} when the app asked
     * ({@code authenticate}).
     */
    void showLoginPage(MaltHttpRequest request, MaltHttpResponse response, ServletMapper.Match match)
            throws IOException, ServletException {
        if (loginPage == null) {
            response.sendError(403);
            return;
        }
        MaltHttpSession session = (MaltHttpSession) request.getSession(true);
        session.data().putNote(SAVED_REQUEST_NOTE, save(request));
        if (match != null) {
            // the forward's jakarta.servlet.forward.* attributes then describe the protected URL
            request.target(DispatcherType.REQUEST, request.getRequestURI(), match.servletPath(), match.pathInfo(),
                    request.getQueryString(), Dispatcher.mapping(match), match.holder());
        }
        forward(request, response, loginPage);
    }

    private SavedRequest save(MaltHttpRequest request) {
        String method = request.getMethod();
        Map<String, List<String>> parameters = null;
        if ("POST".equals(method)) {
            if (isUrlEncodedForm(request.getContentType())) {
                parameters = copyIfSmall(request.getParameterMap(), maxSavedFormChars);
            }
            if (parameters == null) {
                app.log().info(SecurityMessages.savedFormTooLarge(maxSavedFormChars));
                method = "GET";
            }
        } else if (!"HEAD".equals(method)) {
            method = "GET"; // a PUT's or DELETE's body is not kept: after the login the URL is fetched again
        }
        return new SavedRequest(method, withoutSessionId(request.model().requestUri()), request.getQueryString(),
                parameters);
    }

    private static boolean isUrlEncodedForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return mediaType.equalsIgnoreCase("application/x-www-form-urlencoded");
    }

    private static Map<String, List<String>> copyIfSmall(Map<String, String[]> form, int maxChars) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        long chars = 0;
        for (Map.Entry<String, String[]> entry : form.entrySet()) {
            chars += entry.getKey().length();
            List<String> values = new ArrayList<>();
            for (String value : entry.getValue()) {
                chars += value.length();
                values.add(value);
            }
            if (chars > maxChars) {
                return null;
            }
            copy.put(entry.getKey(), List.copyOf(values));
        }
        return copy;
    }

    // ---- j_security_check

    void processLogin(MaltHttpRequest request, MaltHttpResponse response) throws IOException, ServletException {
        String user = request.getParameter("j_username");
        String password = request.getParameter("j_password");
        if (!security.checkPassword(HttpServletRequest.FORM_AUTH, user, password, request)) {
            if (errorPage == null) {
                response.sendError(403);
                return;
            }
            forward(request, response, errorPage);
            return;
        }
        MaltHttpSession session = security.rememberLogin(request, user, HttpServletRequest.FORM_AUTH, true);
        SavedRequest saved = (SavedRequest) session.data().note(SAVED_REQUEST_NOTE);
        String location;
        if (saved != null) {
            location = saved.requestUri() + (saved.queryString() == null ? "" : "?" + saved.queryString());
        } else {
            location = request.getContextPath() + "/"; // the login page was bookmarked: go to the app's start
        }
        // 303 makes the browser GET the saved URL; HTTP/1.0 clients only know 302 (spec 13.6.3)
        int status = "HTTP/1.0".equals(request.getProtocol()) ? 302 : 303;
        response.sendRedirect(response.encodeRedirectURL(location), status, true);
    }

    // ---- the request after the login

    /** The browser came back to the saved URL with its login: give the request its saved method and form. */
    void restoreSavedRequest(MaltHttpRequest request) {
        if (request.getRequestedSessionId() == null) {
            return;
        }
        MaltHttpSession session = (MaltHttpSession) request.getSession(false);
        if (session == null || request.getUserPrincipal() == null) {
            return;
        }
        Object note = session.data().note(SAVED_REQUEST_NOTE);
        if (!(note instanceof SavedRequest saved)
                || !saved.requestUri().equals(withoutSessionId(request.model().requestUri()))) {
            return;
        }
        session.data().removeNote(SAVED_REQUEST_NOTE);
        if (!saved.method().equals(request.getMethod()) || saved.parameters() != null) {
            request.restoreSavedRequest(saved.method(), saved.parameters());
        }
    }

    // ---- helpers

    private void forward(MaltHttpRequest request, MaltHttpResponse response, String page)
            throws IOException, ServletException {
        Dispatcher.Target target = app.dispatcher().target(page);
        if (target == null) {
            response.sendError(500);
            return;
        }
        // the page stands in for the protected URL or j_security_check: no cache may keep it under that name
        response.setHeader("Cache-Control", "no-store");
        String previous = request.overrideMethod("GET");
        try {
            app.dispatcher().forward(target, request, response);
        } finally {
            request.overrideMethod(previous);
        }
    }

    /** The raw URI without a {@code ;jsessionid=...} path parameter: the session id changes at login. */
    private String withoutSessionId(String rawUri) {
        String marker = ";" + app.sessions().uriParameterName() + "=";
        int at = rawUri.indexOf(marker);
        if (at < 0) {
            return rawUri;
        }
        int end = at + marker.length();
        while (end < rawUri.length() && "/;?#".indexOf(rawUri.charAt(end)) < 0) {
            end++;
        }
        return rawUri.substring(0, at) + rawUri.substring(end);
    }
}
