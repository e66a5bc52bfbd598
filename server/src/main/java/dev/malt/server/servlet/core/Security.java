package dev.malt.server.servlet.core;

import dev.malt.server.servlet.auth.UserRealm;
import dev.malt.server.servlet.deploy.LoginConfigModel;
import dev.malt.server.servlet.deploy.SecurityConstraintModel;
import dev.malt.server.servlet.deploy.WebAppModel;
import dev.malt.server.servlet.internal.MaltHttpRequest;
import dev.malt.server.servlet.internal.MaltHttpResponse;
import dev.malt.server.servlet.internal.MaltHttpSession;
import jakarta.servlet.HttpConstraintElement;
import jakarta.servlet.HttpMethodConstraintElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.Serializable;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Security constraints (Servlet spec chapter 13), who the user is, and the login mechanisms.
 *
 * <p><b>Users</b> come from the app's {@link UserRealm} (the INI's {@code auth-user-file} and
 * {@code auth-group-file}: each group is a role), or from the frontend: nginx or Apache may
 * authenticate and pass {@code REMOTE_USER}, whose roles then come from the group file.
 *
 * <p><b>Mechanisms</b>: BASIC (RFC 7617, UTF-8) checks the {@code Authorization} header where a
 * constraint needs a login; FORM ({@link FormLogin}) keeps the login in the session. An app with users
 * and no {@code login-config} gets BASIC. DIGEST and CLIENT-CERT are not supported: a warning at
 * startup, and URLs that need a login answer 403 unless the frontend authenticated the user.
 *
 * <p><b>Constraints</b> are combined and matched by {@link ConstraintTable}. Whatever is missing (no
 * users, an unsupported mechanism), a protected URL is never served unprotected. A constraint with
 * {@code CONFIDENTIAL} transport refuses plain-HTTP requests with 403: behind a TLS terminator, the
 * frontend says HTTPS ({@code HTTPS on} or {@code UWSGI_SCHEME https}) so that {@code isSecure()} is true.
 */
public final class Security {

    /** The session note of the logged-in user (FORM, or {@code login()}). */
    static final String LOGIN_NOTE = "malt.security.login";

    private enum Mechanism { NONE, BASIC, FORM, UNSUPPORTED }

    /** The login a session keeps: plain strings, so a shared session store can write it. */
    record SessionLogin(String user, String authType) implements Serializable {
    }

    /** An authenticated user, by the container or the frontend. */
    record UserPrincipal(String getName) implements Principal, Serializable {

        @Override
        public String toString() {
            return getName;
        }
    }

    private final WebApp app;
    private final List<SecurityConstraintModel> constraints = new CopyOnWriteArrayList<>();
    private final Set<String> roles = Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile ConstraintTable table;
    private LoginConfigModel loginConfig;
    private boolean denyUncovered;
    private UserRealm realm;
    private volatile Mechanism mechanism = Mechanism.NONE;
    private FormLogin form;

    Security(WebApp app) {
        this.app = app;
    }

    /** The app's users, before the context starts; {@code null} when the operator configured none. */
    public void useRealm(UserRealm realm) {
        this.realm = realm;
    }

    void configure(WebAppModel model) {
        constraints.addAll(model.securityConstraints());
        roles.addAll(model.securityRoles());
        loginConfig = model.loginConfig();
        denyUncovered = model.denyUncoveredHttpMethods();
        table = null;
    }

    /** When the app has initialized (its initializers may have added constraints): settle and tell the operator. */
    void start() {
        ConstraintTable built = table();
        String authMethod = loginConfig == null || loginConfig.authMethod() == null ? null
                : loginConfig.authMethod().trim().toUpperCase(Locale.ROOT);
        boolean hasUsers = realm != null && realm.hasUserFile();
        if (authMethod == null || authMethod.isEmpty()) {
            mechanism = hasUsers ? Mechanism.BASIC : Mechanism.NONE;
        } else if (authMethod.equals(HttpServletRequest.BASIC_AUTH)) {
            mechanism = Mechanism.BASIC;
        } else if (authMethod.equals(HttpServletRequest.FORM_AUTH)) {
            mechanism = Mechanism.FORM;
            form = new FormLogin(app, this, loginConfig.formLoginPage(), loginConfig.formErrorPage(),
                    FormLogin.DEFAULT_MAX_SAVED_FORM_CHARS);
            if (!form.hasLoginPage()) {
                app.log().warn(SecurityMessages.formWithoutLoginPage(app.appName(), app.contextPath()));
            }
        } else {
            mechanism = Mechanism.UNSUPPORTED;
            app.log().warn(SecurityMessages.unsupportedMechanism(app.appName(), app.contextPath(),
                    loginConfig.authMethod()));
        }
        if (needsLogin()) {
            if (realm == null) {
                app.log().warn(SecurityMessages.noUsers(app.appName(), app.contextPath()));
            } else if (!hasUsers) {
                app.log().info(SecurityMessages.groupsOnly(app.appName(), app.contextPath()));
            }
        }
        Map<String, String> uncovered = built.uncoveredMethods();
        if (!uncovered.isEmpty()) {
            String message = SecurityMessages.uncoveredMethods(app.appName(), app.contextPath(), uncovered,
                    denyUncovered);
            if (denyUncovered) {
                app.log().info(message);
            } else {
                app.log().warn(message);
            }
        }
    }

    private boolean needsLogin() {
        for (SecurityConstraintModel c : constraints) {
            if (c.roles() != null && !c.roles().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    public void declareRoles(String... names) {
        for (String name : names) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(SecurityMessages.roleNameInvalid(name));
            }
            roles.add(name);
        }
        table = null;
    }

    // ---- ServletRegistration.setServletSecurity

    /** Constraints for the servlet's patterns that web.xml does not constrain; returns those it does. */
    Set<String> addServletSecurity(ServletHolder holder, ServletSecurityElement element) {
        Set<String> alreadyConstrained = new LinkedHashSet<>();
        List<String> free = new ArrayList<>();
        for (String pattern : holder.getMappings()) {
            if (isConstrainedByDescriptor(pattern)) {
                alreadyConstrained.add(pattern);
            } else {
                free.add(pattern);
            }
        }
        if (!free.isEmpty()) {
            constraints.addAll(fromElement(free, element));
            table = null;
        }
        return alreadyConstrained;
    }

    private boolean isConstrainedByDescriptor(String pattern) {
        for (SecurityConstraintModel c : app.model().securityConstraints()) {
            for (SecurityConstraintModel.WebResourceCollection collection : c.collections()) {
                if (collection.urlPatterns().contains(pattern)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Spec 13.4.1.3, as for {@code @ServletSecurity}. */
    private static List<SecurityConstraintModel> fromElement(List<String> patterns, ServletSecurityElement element) {
        List<SecurityConstraintModel> out = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        boolean anyMethodConstraintNonDefault = false;
        for (HttpMethodConstraintElement method : element.getHttpMethodConstraints()) {
            methods.add(method.getMethodName());
            anyMethodConstraintNonDefault |= !isDefault(method);
            out.add(constraint(patterns, List.of(method.getMethodName()), List.of(), method));
        }
        // all defaults besides non-default method constraints: the other methods stay uncovered
        if (methods.isEmpty() || !(isDefault(element) && anyMethodConstraintNonDefault)) {
            out.add(0, constraint(patterns, List.of(), methods, element));
        }
        return out;
    }

    private static boolean isDefault(HttpConstraintElement element) {
        return element.getEmptyRoleSemantic() == ServletSecurity.EmptyRoleSemantic.PERMIT
                && element.getRolesAllowed().length == 0
                && element.getTransportGuarantee() == ServletSecurity.TransportGuarantee.NONE;
    }

    private static SecurityConstraintModel constraint(List<String> patterns, List<String> methods,
                                                      List<String> omissions, HttpConstraintElement element) {
        List<String> roleNames;
        if (element.getRolesAllowed().length > 0) {
            roleNames = List.of(element.getRolesAllowed());
        } else if (element.getEmptyRoleSemantic() == ServletSecurity.EmptyRoleSemantic.DENY) {
            roleNames = List.of();
        } else {
            roleNames = null;
        }
        return new SecurityConstraintModel(
                List.of(new SecurityConstraintModel.WebResourceCollection(patterns, methods, omissions)),
                roleNames, element.getTransportGuarantee().name());
    }

    private ConstraintTable table() {
        ConstraintTable t = table;
        if (t == null) {
            t = new ConstraintTable(List.copyOf(constraints), Set.copyOf(roles), denyUncovered);
            table = t;
        }
        return t;
    }

    // ---- the request path

    /**
     * Before a request's first dispatch: who the user is, the FORM login's own requests, and the
     * constraints. Whether the request may go on; if not, it has been answered (401, 403, the login page,
     * a redirect after the login).
     */
    boolean permits(MaltHttpRequest request, MaltHttpResponse response, String path, ServletMapper.Match match)
            throws IOException, ServletException {
        if (realm != null) {
            restoreLogin(request);
        }
        Mechanism m = mechanism;
        if (m == Mechanism.FORM) {
            if (FormLogin.isLoginAction(request, path)) {
                form.processLogin(request, response);
                return false;
            }
            form.restoreSavedRequest(request);
        }
        ConstraintTable t = table();
        if (t.isEmpty()) {
            return true;
        }
        if (!check(t, request, response, path, match)) {
            return false;
        }
        String mapped = mappedPath(match);
        // a welcome file answers for its directory: its own constraints apply too
        return mapped == null || mapped.equals(path) || check(t, request, response, mapped, match);
    }

    private static String mappedPath(ServletMapper.Match match) {
        if (match == null || match.servletPath() == null) {
            return null;
        }
        String mapped = match.servletPath() + (match.pathInfo() == null ? "" : match.pathInfo());
        return mapped.isEmpty() ? "/" : mapped;
    }

    private boolean check(ConstraintTable t, MaltHttpRequest request, MaltHttpResponse response, String path,
                          ServletMapper.Match match) throws IOException, ServletException {
        ConstraintTable.Decision decision = t.decide(path, request.getMethod());
        switch (decision.outcome()) {
            case UNCONSTRAINED:
                return true;
            case UNCOVERED_DENIED:
            case EXCLUDED:
                response.sendError(403);
                return false;
            default:
                break;
        }
        if (decision.confidential() && !request.isSecure()) {
            response.sendError(403, SecurityMessages.confidentialRequired());
            return false;
        }
        if (!decision.authRequired()) {
            return true;
        }
        Principal user = request.getUserPrincipal();
        if (user == null && mechanism == Mechanism.BASIC) {
            user = basicLogin(request);
        }
        if (user == null) {
            challenge(request, response, match);
            return false;
        }
        // a page for one user: no shared cache (nginx's uwsgi_cache, a proxy) may keep it for others
        response.setHeader("Cache-Control", "private");
        if (decision.anyAuthenticated()) {
            return true;
        }
        for (String role : decision.roles()) {
            if (hasRole(user, role)) {
                return true;
            }
        }
        response.sendError(403);
        return false;
    }

    /** Asks the client to log in, by the app's mechanism. */
    private void challenge(MaltHttpRequest request, MaltHttpResponse response, ServletMapper.Match match)
            throws IOException, ServletException {
        switch (mechanism) {
            case BASIC -> {
                response.setHeader("WWW-Authenticate", "Basic realm=\"" + realmName() + "\", charset=\"UTF-8\"");
                response.sendError(401);
            }
            case FORM -> form.showLoginPage(request, response, match);
            default -> response.sendError(403);
        }
    }

    private String realmName() {
        String name = loginConfig == null || loginConfig.realmName() == null || loginConfig.realmName().isBlank()
                ? app.appName() : loginConfig.realmName();
        return name.replace("\\", "").replace("\"", "").replaceAll("\\p{Cntrl}", "");
    }

    /** The user of a valid {@code Authorization: Basic} header, now the request's user; else null. */
    private Principal basicLogin(MaltHttpRequest request) {
        BasicCredentials credentials = BasicCredentials.parse(request.getHeader("Authorization"));
        if (credentials == null) {
            return null;
        }
        if (!checkPassword(HttpServletRequest.BASIC_AUTH, credentials.user(), credentials.password(), request)) {
            return null;
        }
        Principal user = new UserPrincipal(credentials.user());
        request.setUser(user, HttpServletRequest.BASIC_AUTH);
        return user;
    }

    /** The realm's answer; a failure is logged (who, from where) for the operator and fail2ban. */
    boolean checkPassword(String mechanismName, String user, String password, MaltHttpRequest request) {
        if (user == null || password == null) {
            return false;
        }
        if (realm != null && realm.hasUserFile() && realm.authenticate(user, password)) {
            return true;
        }
        app.log().info(SecurityMessages.loginFailed(mechanismName, user, request.getRemoteAddr()));
        return false;
    }

    // ---- logins kept in the session

    /** A login kept in the session (FORM, {@code login()}) is the request's user, while the user file has it. */
    private void restoreLogin(MaltHttpRequest request) {
        if (request.getRequestedSessionId() == null) {
            return;
        }
        MaltHttpSession session = (MaltHttpSession) request.getSession(false);
        if (session == null) {
            return;
        }
        Object note = session.data().note(LOGIN_NOTE);
        if (!(note instanceof SessionLogin login)) {
            return;
        }
        if (realm.hasUserFile() && !realm.hasUser(login.user())) {
            session.data().removeNote(LOGIN_NOTE); // the operator removed the user: the login ends
            return;
        }
        request.setUser(new UserPrincipal(login.user()), login.authType());
    }

    /**
     * Makes {@code user} the request's user and keeps the login in the session: a new session, or the
     * existing one under a new id, so an id planted before the login is worth nothing after it. Without
     * {@code create}, only a session that already exists keeps it.
     */
    MaltHttpSession rememberLogin(MaltHttpRequest request, String user, String authType, boolean create) {
        request.setUser(new UserPrincipal(user), authType);
        MaltHttpSession session = (MaltHttpSession) request.getSession(false);
        boolean committed = request.response() != null && request.response().isCommitted();
        if (session == null) {
            if (!create || committed) {
                return null;
            }
            session = (MaltHttpSession) request.getSession(true);
        } else if (!committed) {
            request.changeSessionId();
        }
        session.data().putNote(LOGIN_NOTE, new SessionLogin(user, authType));
        return session;
    }

    // ---- identity, for the request

    /** A user the frontend authenticated. */
    public Principal principal(String name) {
        return new UserPrincipal(name);
    }

    /**
     * Whether the user has the role (already resolved through {@code security-role-ref}): a group of the
     * group file. {@code *} is never a role; {@code **} is any authenticated user, unless the app declared
     * a role of that name.
     */
    public boolean isUserInRole(Principal user, String role) {
        if (user == null || role == null || role.equals("*")) {
            return false;
        }
        return hasRole(user, role);
    }

    private boolean hasRole(Principal user, String role) {
        if (role.equals("**") && !roles.contains("**")) {
            return true;
        }
        return realm != null && realm.roles(user.getName()).contains(role);
    }

    /** {@code authenticate()} for a request without a user: the app's mechanism, as a constraint would ask. */
    public boolean authenticate(MaltHttpRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        MaltHttpResponse base = Dispatcher.baseResponse(response);
        if (base == null) {
            base = request.response();
        }
        switch (mechanism) {
            case BASIC -> {
                if (basicLogin(request) != null) {
                    return true;
                }
                challenge(request, base, null);
                return false;
            }
            case FORM -> {
                form.showLoginPage(request, base, null);
                return false;
            }
            default -> throw new ServletException(SecurityMessages.noMechanism(
                    loginConfig == null ? null : loginConfig.authMethod()));
        }
    }

    /** {@code login()}: the realm checks the password; with FORM the login is kept in the session. */
    public void login(MaltHttpRequest request, String user, String password) throws ServletException {
        if (realm == null || !realm.hasUserFile()) {
            throw new ServletException(SecurityMessages.noUsersForLogin("login"));
        }
        String authType = mechanism == Mechanism.FORM ? HttpServletRequest.FORM_AUTH : HttpServletRequest.BASIC_AUTH;
        if (!checkPassword("Programmatic", user, password, request)) {
            throw new ServletException(SecurityMessages.loginRejected());
        }
        rememberLogin(request, user, authType, mechanism == Mechanism.FORM);
    }

    /** {@code logout()}: the request has no user any more, and its session keeps no login. */
    public void logout(MaltHttpRequest request) {
        MaltHttpSession session = (MaltHttpSession) request.getSession(false);
        if (session != null) {
            session.data().removeNote(LOGIN_NOTE);
        }
    }
}
