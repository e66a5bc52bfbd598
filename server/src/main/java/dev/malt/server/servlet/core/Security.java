package dev.malt.server.servlet.core;

import dev.malt.server.servlet.deploy.LoginConfigModel;
import dev.malt.server.servlet.deploy.SecurityConstraintModel;
import dev.malt.server.servlet.deploy.WebAppModel;
import dev.malt.server.servlet.internal.MaltHttpRequest;
import dev.malt.server.servlet.internal.MaltHttpResponse;
import dev.malt.server.servlet.internal.ServletMessages;
import jakarta.servlet.HttpConstraintElement;
import jakarta.servlet.HttpMethodConstraintElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Security constraints (Servlet spec chapter 13) and who the user is.
 *
 * <p>Malt has no user database of its own. A user is whoever the frontend authenticated (nginx or
 * Apache pass {@code REMOTE_USER}); such a user has no roles. So a URL whose constraint names roles
 * is refused (403, or 401 asking for credentials when the app configured BASIC), never served
 * unprotected; {@code login()} and {@code authenticate()} say that no login mechanism exists. A
 * constraint with {@code CONFIDENTIAL} transport refuses plain-HTTP requests with 403: behind a TLS
 * terminator, set {@code UWSGI_SCHEME https} so Malt knows.
 */
public final class Security {

    private final WebApp app;
    private final List<SecurityConstraintModel> constraints = new CopyOnWriteArrayList<>();
    private final Set<String> roles = Collections.synchronizedSet(new LinkedHashSet<>());
    private LoginConfigModel login;
    private boolean denyUncovered;

    Security(WebApp app) {
        this.app = app;
    }

    void configure(WebAppModel model) {
        constraints.addAll(model.securityConstraints());
        roles.addAll(model.securityRoles());
        login = model.loginConfig();
        denyUncovered = model.denyUncoveredHttpMethods();
        if (!constraints.isEmpty()) {
            app.log().info(ServletMessages.securityConstraintsWithoutRealm(app.appName(), constraints.size()));
        }
    }

    public void declareRoles(String... names) {
        for (String name : names) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(ServletMessages.roleNameInvalid(name));
            }
            roles.add(name);
        }
    }

    /** {@code ServletRegistration.setServletSecurity}: constraints for the servlet's patterns that have none yet. */
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
        }
        return alreadyConstrained;
    }

    private boolean isConstrainedByDescriptor(String pattern) {
        for (SecurityConstraintModel c : constraints) {
            for (SecurityConstraintModel.WebResourceCollection collection : c.collections()) {
                if (collection.urlPatterns().contains(pattern)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<SecurityConstraintModel> fromElement(List<String> patterns, ServletSecurityElement element) {
        List<SecurityConstraintModel> out = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        for (HttpMethodConstraintElement method : element.getHttpMethodConstraints()) {
            methods.add(method.getMethodName());
            out.add(constraint(patterns, List.of(method.getMethodName()), List.of(), method));
        }
        out.add(constraint(patterns, List.of(), methods, element));
        return out;
    }

    private static SecurityConstraintModel constraint(List<String> patterns, List<String> methods,
                                                      List<String> omissions, HttpConstraintElement element) {
        List<String> roleNames;
        if (element.getEmptyRoleSemantic() == ServletSecurity.EmptyRoleSemantic.DENY) {
            roleNames = List.of();
        } else if (element.getRolesAllowed().length > 0) {
            roleNames = List.of(element.getRolesAllowed());
        } else {
            roleNames = null;
        }
        return new SecurityConstraintModel(
                List.of(new SecurityConstraintModel.WebResourceCollection(patterns, methods, omissions)),
                roleNames, element.getTransportGuarantee().name());
    }

    // ---- the request path

    /**
     * Whether the request may go on. If not, the response has been answered (401, 403).
     */
    boolean permits(MaltHttpRequest request, MaltHttpResponse response, String path, ServletMapper.Match match)
            throws IOException {
        if (constraints.isEmpty()) {
            return true;
        }
        List<SecurityConstraintModel> applicable = applicable(path, request.getMethod());
        if (applicable == null) {
            if (denyUncovered && coversPathForOtherMethods(path)) {
                response.sendError(403);
                return false;
            }
            return true;
        }
        String guarantee = "NONE";
        boolean authRequired = false;
        boolean denied = false;
        Set<String> allowed = new LinkedHashSet<>();
        boolean anyAuthenticated = false;
        boolean noAuthConstraint = false;
        for (SecurityConstraintModel c : applicable) {
            if (!"NONE".equalsIgnoreCase(c.transportGuarantee())) {
                guarantee = c.transportGuarantee();
            }
            if (c.roles() == null) {
                noAuthConstraint = true;
            } else if (c.roles().isEmpty()) {
                denied = true;
            } else {
                authRequired = true;
                for (String role : c.roles()) {
                    if (role.equals("**")) {
                        anyAuthenticated = true;
                    } else if (role.equals("*")) {
                        allowed.addAll(roles);
                    } else {
                        allowed.add(role);
                    }
                }
            }
        }
        if (denied) {
            response.sendError(403);
            return false;
        }
        if (!"NONE".equalsIgnoreCase(guarantee) && !request.isSecure()) {
            response.sendError(403, ServletMessages.confidentialRequired());
            return false;
        }
        if (!authRequired || noAuthConstraint) {
            return true;
        }
        Principal user = request.getUserPrincipal();
        if (user == null) {
            challenge(response);
            return false;
        }
        if (anyAuthenticated) {
            return true;
        }
        for (String role : allowed) {
            if (isUserInRole(user, role)) {
                return true;
            }
        }
        response.sendError(403);
        return false;
    }

    private void challenge(HttpServletResponse response) throws IOException {
        if (login != null && "BASIC".equalsIgnoreCase(login.authMethod())) {
            String realm = login.realmName() == null ? app.appName() : login.realmName();
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + realm.replace("\"", "") + "\", charset=\"UTF-8\"");
            response.sendError(401);
        } else {
            response.sendError(403);
        }
    }

    /** The constraints of the best-matching URL pattern that cover this method, or null when none does. */
    private List<SecurityConstraintModel> applicable(String path, String method) {
        String best = null;
        int bestRank = -1;
        for (SecurityConstraintModel c : constraints) {
            for (SecurityConstraintModel.WebResourceCollection collection : c.collections()) {
                if (!coversMethod(collection, method)) {
                    continue;
                }
                for (String pattern : collection.urlPatterns()) {
                    int rank = rank(pattern, path);
                    if (rank > bestRank) {
                        bestRank = rank;
                        best = pattern;
                    }
                }
            }
        }
        if (best == null) {
            return null;
        }
        List<SecurityConstraintModel> matching = new ArrayList<>();
        for (SecurityConstraintModel c : constraints) {
            for (SecurityConstraintModel.WebResourceCollection collection : c.collections()) {
                if (coversMethod(collection, method) && collection.urlPatterns().contains(best)) {
                    matching.add(c);
                    break;
                }
            }
        }
        return matching;
    }

    private boolean coversPathForOtherMethods(String path) {
        for (SecurityConstraintModel c : constraints) {
            for (SecurityConstraintModel.WebResourceCollection collection : c.collections()) {
                for (String pattern : collection.urlPatterns()) {
                    if (rank(pattern, path) >= 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean coversMethod(SecurityConstraintModel.WebResourceCollection collection, String method) {
        if (!collection.httpMethods().isEmpty()) {
            return collection.httpMethods().contains(method);
        }
        return !collection.httpMethodOmissions().contains(method);
    }

    /** How well {@code pattern} matches: exact beats the longest prefix beats extension beats "/"; -1: no match. */
    private static int rank(String pattern, String path) {
        if (pattern.equals(path) || (pattern.isEmpty() && path.equals("/"))) {
            return 1_000_000;
        }
        if (pattern.equals("/")) {
            return 0;
        }
        if (pattern.endsWith("/*")) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            if (path.equals(prefix) || path.startsWith(prefix + "/") || prefix.isEmpty()) {
                return 1000 + prefix.length();
            }
            return -1;
        }
        if (pattern.startsWith("*.")) {
            return path.endsWith(pattern.substring(1)) ? 10 : -1;
        }
        return -1;
    }

    // ---- identity

    /** A user the frontend authenticated. */
    public Principal principal(String name) {
        return new FrontendUser(name);
    }

    public boolean isUserInRole(Principal user, String role) {
        return false; // no role source: see the class comment
    }

    public boolean authenticate(MaltHttpRequest request, HttpServletResponse response) throws IOException {
        challenge(response);
        return false;
    }

    public void login(MaltHttpRequest request, String user, String password) throws ServletException {
        throw new ServletException(ServletMessages.noLoginMechanism("login"));
    }

    public void logout(MaltHttpRequest request) {
    }

    private record FrontendUser(String getName) implements Principal {
    }
}
