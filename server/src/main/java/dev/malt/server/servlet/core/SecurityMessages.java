package dev.malt.server.servlet.core;

import java.util.Map;

/** What security tells the operator (logs) and the app (exception messages). */
final class SecurityMessages {

    private static final int MAX_LISTED_PATTERNS = 10;

    private SecurityMessages() {
    }

    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }

    private static String context(String appName, String contextPath) {
        return "App '" + appName + "'" + (contextPath.isEmpty() ? "" : " (context " + contextPath + ")");
    }

    // ---- startup

    static String noUsers(String appName, String contextPath) {
        return context(appName, contextPath) + " has security constraints that need a login, but no users are"
                + " configured: those URLs answer 401/403 and are never served unprotected. Give the app users"
                + " with 'auth-user-file = /etc/malt/NAME.htpasswd' (made with 'htpasswd -B') and roles with"
                + " 'auth-group-file = /etc/malt/NAME.groups' ('role: user1 user2') in its INI file";
    }

    static String groupsOnly(String appName, String contextPath) {
        return context(appName, contextPath) + ": 'auth-group-file' gives roles, but without 'auth-user-file' no"
                + " one can log in here; only users your frontend authenticated (REMOTE_USER) get them";
    }

    static String unsupportedMechanism(String appName, String contextPath, String method) {
        return context(appName, contextPath) + ": its login-config asks for " + printable(method)
                + " authentication, which Malt does not support. URLs that need a login answer 403 (they are"
                + " never served unprotected) unless the frontend authenticated the user (REMOTE_USER). Use BASIC"
                + " or FORM in web.xml, or let nginx/Apache authenticate"
                + ("CLIENT-CERT".equalsIgnoreCase(method)
                ? " the client certificate (ssl_verify_client) and pass the subject as REMOTE_USER" : "");
    }

    static String formWithoutLoginPage(String appName, String contextPath) {
        return context(appName, contextPath) + ": login-config says FORM but names no form-login-page; URLs that"
                + " need a login answer 403. Add <form-login-config> with <form-login-page> and <form-error-page>";
    }

    static String uncoveredMethods(String appName, String contextPath, Map<String, String> uncovered,
                                   boolean denied) {
        StringBuilder s = new StringBuilder(context(appName, contextPath))
                .append(denied ? ": these HTTP methods are not covered by its security constraints and are refused"
                        + " (deny-uncovered-http-methods): "
                        : ": these HTTP methods are not covered by its security constraints and are served without"
                        + " protection: ");
        int n = 0;
        for (Map.Entry<String, String> entry : uncovered.entrySet()) {
            if (n == MAX_LISTED_PATTERNS) {
                s.append("; and ").append(uncovered.size() - n).append(" more patterns");
                break;
            }
            s.append(n == 0 ? "" : "; ").append(entry.getValue()).append(" at '").append(entry.getKey()).append("'");
            n++;
        }
        if (!denied) {
            s.append(". Add <deny-uncovered-http-methods/> to web.xml to refuse them");
        }
        return s.toString();
    }

    // ---- requests

    static String loginFailed(String mechanism, String user, String remoteAddr) {
        return mechanism + " login failed for user '" + printable(user) + "' from " + remoteAddr;
    }

    static String confidentialRequired() {
        return "This URL needs HTTPS. Behind a TLS terminator, pass 'uwsgi_param HTTPS on' or UWSGI_SCHEME https";
    }

    static String savedFormTooLarge(int limit) {
        return "FORM login: the form posted before the login is over " + limit
                + " characters and is not kept; after the login the page is requested again with GET";
    }

    // ---- the app's calls

    static String noUsersForLogin(String method) {
        return method + "(): this app has no users; the operator gives it users with 'auth-user-file'"
                + " (htpasswd format) in its INI file";
    }

    static String loginRejected() {
        return "login(): the user name or password is not valid";
    }

    static String noMechanism(String authMethod) {
        return "authenticate(): " + (authMethod == null ? "the app has no login-config and no users"
                : "Malt does not support " + printable(authMethod) + " authentication")
                + "; use BASIC or FORM with users from 'auth-user-file'";
    }

    static String roleNameInvalid(String name) {
        return "A role name must not be null or empty: " + name;
    }
}
