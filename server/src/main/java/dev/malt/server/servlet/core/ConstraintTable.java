package dev.malt.server.servlet.core;

import dev.malt.server.servlet.deploy.SecurityConstraintModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A context's security constraints, combined as the Servlet spec (13.8) says, and what they require of
 * one request. The constraints of the URL pattern that best matches the path are selected, by the
 * mapping rules (exact, longest prefix, extension, {@code /}) and whatever the method; then those
 * whose collections cover the method combine: an empty auth-constraint excludes everyone, a
 * constraint without one allows everyone, role lists join, and a protected transport is needed only
 * when every one of them asks for it. A method that none of them covers is "uncovered": served, or
 * refused with {@code deny-uncovered-http-methods}. Immutable.
 */
final class ConstraintTable {

    enum Outcome {
        /** No constraint applies: serve. */
        UNCONSTRAINED,
        /** The method is uncovered at the pattern and the app denies uncovered methods: 403. */
        UNCOVERED_DENIED,
        /** An auth-constraint naming no roles applies: 403, whoever asks. */
        EXCLUDED,
        /** Constraints apply: check the transport, then the user. */
        CONSTRAINED
    }

    /**
     * @param outcome          what kind of answer
     * @param confidential     the request must come over TLS
     * @param authRequired     a user must be authenticated
     * @param anyAuthenticated any authenticated user will do ({@code **})
     * @param roles            otherwise, the user needs one of these
     */
    record Decision(Outcome outcome, boolean confidential, boolean authRequired, boolean anyAuthenticated,
                    Set<String> roles) {

        static final Decision UNCONSTRAINED = new Decision(Outcome.UNCONSTRAINED, false, false, false, Set.of());
        static final Decision UNCOVERED_DENIED = new Decision(Outcome.UNCOVERED_DENIED, false, false, false, Set.of());
        static final Decision EXCLUDED = new Decision(Outcome.EXCLUDED, false, false, false, Set.of());
    }

    /** One web-resource-collection's view of one constraint, for one pattern. */
    private record Rule(Set<String> methods, Set<String> omissions, List<String> roles, boolean protectedTransport) {

        boolean covers(String method) {
            if (!methods.isEmpty()) {
                return methods.contains(method);
            }
            return !omissions.contains(method);
        }

        boolean coversAll() {
            return methods.isEmpty() && omissions.isEmpty();
        }
    }

    private record Prefix(String path, String pattern) {
    }

    private final Map<String, List<Rule>> byPattern = new LinkedHashMap<>();
    private final List<Prefix> prefixes = new ArrayList<>();
    private final Map<String, String> extensions = new HashMap<>();
    private final Set<String> declaredRoles;
    private final boolean denyUncovered;

    ConstraintTable(List<SecurityConstraintModel> constraints, Set<String> declaredRoles, boolean denyUncovered) {
        this.declaredRoles = Set.copyOf(declaredRoles);
        this.denyUncovered = denyUncovered;
        for (SecurityConstraintModel constraint : constraints) {
            boolean protectedTransport = !"NONE".equalsIgnoreCase(constraint.transportGuarantee());
            for (SecurityConstraintModel.WebResourceCollection collection : constraint.collections()) {
                Rule rule = new Rule(Set.copyOf(collection.httpMethods()), Set.copyOf(collection.httpMethodOmissions()),
                        constraint.roles(), protectedTransport);
                for (String pattern : collection.urlPatterns()) {
                    add(pattern, rule);
                }
            }
        }
        prefixes.sort(Comparator.comparingInt((Prefix p) -> p.path().length()).reversed());
    }

    private void add(String pattern, Rule rule) {
        List<Rule> rules = byPattern.get(pattern);
        if (rules == null) {
            rules = new ArrayList<>();
            byPattern.put(pattern, rules);
            if (pattern.endsWith("/*")) {
                prefixes.add(new Prefix(pattern.substring(0, pattern.length() - 2), pattern));
            } else if (pattern.startsWith("*.")) {
                extensions.put(pattern.substring(2), pattern);
            }
        }
        rules.add(rule);
    }

    boolean isEmpty() {
        return byPattern.isEmpty();
    }

    /** What the constraints require of a request for {@code path} (context-relative, decoded) with {@code method}. */
    Decision decide(String path, String method) {
        String pattern = bestPattern(path);
        if (pattern == null) {
            return Decision.UNCONSTRAINED;
        }
        List<Rule> applicable = new ArrayList<>();
        for (Rule rule : byPattern.get(pattern)) {
            if (rule.covers(method)) {
                applicable.add(rule);
            }
        }
        if (applicable.isEmpty()) {
            return denyUncovered ? Decision.UNCOVERED_DENIED : Decision.UNCONSTRAINED;
        }
        boolean confidential = true;
        boolean authRequired = true;
        boolean anyAuthenticated = false;
        Set<String> roles = new LinkedHashSet<>();
        for (Rule rule : applicable) {
            if (rule.roles() != null && rule.roles().isEmpty()) {
                return Decision.EXCLUDED;
            }
            confidential &= rule.protectedTransport();
            if (rule.roles() == null) {
                authRequired = false;
                continue;
            }
            for (String role : rule.roles()) {
                if (role.equals("**") && !declaredRoles.contains("**")) {
                    anyAuthenticated = true;
                } else if (role.equals("*") && !declaredRoles.contains("*")) {
                    roles.addAll(declaredRoles);
                } else {
                    roles.add(role);
                }
            }
        }
        if (!authRequired) {
            anyAuthenticated = false;
            roles.clear();
        }
        return new Decision(Outcome.CONSTRAINED, confidential, authRequired, anyAuthenticated, Set.copyOf(roles));
    }

    /** The pattern of the constraints that apply to a path, as servlet mapping would choose it; null for none. */
    String bestPattern(String path) {
        if (isExactPattern(path) && byPattern.containsKey(path)) {
            return path;
        }
        if (path.equals("/") && byPattern.containsKey("")) {
            return "";
        }
        for (Prefix prefix : prefixes) {
            String p = prefix.path();
            if (p.isEmpty() || path.equals(p) || (path.startsWith(p) && path.charAt(p.length()) == '/')) {
                return prefix.pattern();
            }
        }
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot > slash) {
            String pattern = extensions.get(path.substring(dot + 1));
            if (pattern != null) {
                return pattern;
            }
        }
        return byPattern.containsKey("/") ? "/" : null;
    }

    private static boolean isExactPattern(String pattern) {
        return !pattern.equals("/") && !pattern.endsWith("/*") && !pattern.startsWith("*.");
    }

    /**
     * The methods each pattern leaves uncovered (spec 13.8.4: the deployer must be told), as text for
     * the log: {@code "PUT, DELETE"} or {@code "all but GET, POST"}; patterns without any are absent.
     */
    Map<String, String> uncoveredMethods() {
        Map<String, String> uncovered = new LinkedHashMap<>();
        byPattern.forEach((pattern, rules) -> {
            if (rules.stream().anyMatch(Rule::coversAll)) {
                return;
            }
            Set<String> named = new TreeSet<>();
            Set<String> omittedByAll = null;
            for (Rule rule : rules) {
                named.addAll(rule.methods());
                if (!rule.omissions().isEmpty()) {
                    if (omittedByAll == null) {
                        omittedByAll = new TreeSet<>(rule.omissions());
                    } else {
                        omittedByAll.retainAll(rule.omissions());
                    }
                }
            }
            if (omittedByAll != null) {
                omittedByAll.removeAll(named);
                if (!omittedByAll.isEmpty()) {
                    uncovered.put(pattern, String.join(", ", omittedByAll));
                }
            } else {
                uncovered.put(pattern, "all but " + String.join(", ", named));
            }
        });
        return uncovered;
    }
}
