package dev.malt.server.servlet.core;

import dev.malt.server.servlet.deploy.SecurityConstraintModel;
import dev.malt.server.servlet.deploy.SecurityConstraintModel.WebResourceCollection;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Combining constraints, choosing the pattern, and uncovered methods, after spec 13.8. */
class ConstraintTableTest {

    private static SecurityConstraintModel constraint(List<String> patterns, List<String> methods,
                                                      List<String> omissions, List<String> roles, String transport) {
        return new SecurityConstraintModel(List.of(new WebResourceCollection(patterns, methods, omissions)), roles,
                transport);
    }

    /** The deployment descriptor of the spec's example (13.8.2). */
    private static List<SecurityConstraintModel> specExample() {
        return List.of(
                constraint(List.of("/*", "/acme/wholesale/*", "/acme/retail/*"), List.of(), List.of("GET", "POST"),
                        List.of(), null),
                constraint(List.of("/acme/wholesale/*"), List.of("GET", "PUT"), List.of(), List.of("SALESCLERK"), null),
                constraint(List.of("/acme/wholesale/*"), List.of("GET", "POST"), List.of(), List.of("CONTRACTOR"),
                        "CONFIDENTIAL"),
                constraint(List.of("/acme/retail/*"), List.of("GET", "POST"), List.of(),
                        List.of("CONTRACTOR", "HOMEOWNER"), null));
    }

    private static ConstraintTable.Decision roles(boolean confidential, String... roles) {
        return new ConstraintTable.Decision(ConstraintTable.Outcome.CONSTRAINED, confidential, true, false,
                Set.of(roles));
    }

    /** Table 13-4 of the spec, row by row. */
    @Test
    void theSpecsExampleTable() {
        ConstraintTable table = new ConstraintTable(specExample(), Set.of(), false);
        assertEquals(ConstraintTable.Decision.EXCLUDED, table.decide("/index.html", "DELETE"));
        assertEquals(ConstraintTable.Decision.EXCLUDED, table.decide("/acme/wholesale/x", "DELETE"));
        assertEquals(roles(false, "CONTRACTOR", "SALESCLERK"), table.decide("/acme/wholesale/x", "GET"));
        assertEquals(roles(true, "CONTRACTOR"), table.decide("/acme/wholesale/x", "POST"));
        assertEquals(ConstraintTable.Decision.EXCLUDED, table.decide("/acme/retail/x", "PUT"));
        assertEquals(roles(false, "CONTRACTOR", "HOMEOWNER"), table.decide("/acme/retail/x", "GET"));
        assertEquals(roles(false, "CONTRACTOR", "HOMEOWNER"), table.decide("/acme/retail/x", "POST"));
        assertEquals(ConstraintTable.Decision.UNCONSTRAINED, table.decide("/index.html", "GET"),
                "GET and POST are uncovered at /*");
    }

    @Test
    void thePatternIsChosenWhateverTheMethodThenTheMethodDecides() {
        ConstraintTable table = new ConstraintTable(List.of(
                constraint(List.of("/*"), List.of(), List.of(), List.of("admin"), null),
                constraint(List.of("/public/*"), List.of("GET"), List.of(), null, null)), Set.of(), false);
        assertEquals(ConstraintTable.Decision.UNCONSTRAINED, table.decide("/public/a", "POST"),
                "POST is uncovered at the best pattern /public/*; /* does not apply");
        assertEquals(roles(false, "admin"), table.decide("/private", "POST"));
        ConstraintTable denying = new ConstraintTable(List.of(
                constraint(List.of("/*"), List.of(), List.of(), List.of("admin"), null),
                constraint(List.of("/public/*"), List.of("GET"), List.of(), null, null)), Set.of(), true);
        assertEquals(ConstraintTable.Decision.UNCOVERED_DENIED, denying.decide("/public/a", "POST"));
        assertEquals(ConstraintTable.Outcome.CONSTRAINED, denying.decide("/public/a", "GET").outcome());
        assertFalse(denying.decide("/public/a", "GET").authRequired());
        assertEquals(ConstraintTable.Decision.UNCONSTRAINED,
                new ConstraintTable(List.of(constraint(List.of("/a"), List.of(), List.of(), List.of("r"), null)),
                        Set.of(), true).decide("/b", "PUT"), "deny-uncovered concerns constrained patterns only");
    }

    @Test
    void mappingOrderExactPrefixExtensionDefault() {
        ConstraintTable table = new ConstraintTable(List.of(
                constraint(List.of("/"), List.of(), List.of(), List.of("default"), null),
                constraint(List.of("*.jsp"), List.of(), List.of(), List.of("ext"), null),
                constraint(List.of("/shop/*"), List.of(), List.of(), List.of("prefix"), null),
                constraint(List.of("/shop/cart/*"), List.of(), List.of(), List.of("longer"), null),
                constraint(List.of("/shop/cart/view.jsp"), List.of(), List.of(), List.of("exact"), null),
                constraint(List.of(""), List.of(), List.of(), List.of("root"), null)), Set.of(), false);
        assertEquals(Set.of("exact"), table.decide("/shop/cart/view.jsp", "GET").roles());
        assertEquals(Set.of("longer"), table.decide("/shop/cart/other.jsp", "GET").roles());
        assertEquals(Set.of("longer"), table.decide("/shop/cart", "GET").roles());
        assertEquals(Set.of("prefix"), table.decide("/shop/cartx", "GET").roles());
        assertEquals(Set.of("ext"), table.decide("/blog/a.jsp", "GET").roles());
        assertEquals(Set.of("default"), table.decide("/blog/a.jsp/x", "GET").roles());
        assertEquals(Set.of("root"), table.decide("/", "GET").roles());
        assertEquals("/shop/*", table.bestPattern("/shop/*"), "a literal '*' in a path is no pattern");
    }

    @Test
    void combiningRolesStarsAndTransports() {
        ConstraintTable table = new ConstraintTable(List.of(
                constraint(List.of("/a"), List.of(), List.of(), List.of("r1"), "CONFIDENTIAL"),
                constraint(List.of("/a"), List.of(), List.of(), List.of("*"), "INTEGRAL"),
                constraint(List.of("/b"), List.of(), List.of(), List.of("r1"), "CONFIDENTIAL"),
                constraint(List.of("/b"), List.of(), List.of(), List.of("**"), null),
                constraint(List.of("/c"), List.of(), List.of(), List.of("r1"), null),
                constraint(List.of("/c"), List.of(), List.of(), null, null),
                constraint(List.of("/d"), List.of(), List.of(), null, "CONFIDENTIAL"),
                constraint(List.of("/d"), List.of("GET"), List.of(), List.of(), null)),
                Set.of("r1", "r2"), false);
        assertEquals(roles(true, "r1", "r2"), table.decide("/a", "GET"), "* is every declared role; both need TLS");
        ConstraintTable.Decision b = table.decide("/b", "GET");
        assertTrue(b.anyAuthenticated());
        assertFalse(b.confidential(), "one constraint accepts any connection: the union does");
        ConstraintTable.Decision c = table.decide("/c", "GET");
        assertFalse(c.authRequired(), "a constraint without auth-constraint allows everyone");
        assertEquals(ConstraintTable.Decision.EXCLUDED, table.decide("/d", "GET"), "an empty auth-constraint wins");
        ConstraintTable.Decision d = table.decide("/d", "POST");
        assertTrue(d.confidential());
        assertFalse(d.authRequired());
        ConstraintTable declaredStars = new ConstraintTable(List.of(
                constraint(List.of("/a"), List.of(), List.of(), List.of("**"), null)), Set.of("**"), false);
        assertEquals(roles(false, "**"), declaredStars.decide("/a", "GET"), "a declared ** role is a role");
    }

    @Test
    void uncoveredMethodsForTheLog() {
        ConstraintTable table = new ConstraintTable(List.of(
                constraint(List.of("/a"), List.of("GET", "POST"), List.of(), List.of("r"), null),
                constraint(List.of("/b"), List.of(), List.of("GET", "POST"), List.of(), null),
                constraint(List.of("/b"), List.of("GET"), List.of(), List.of("r"), null),
                constraint(List.of("/c"), List.of(), List.of(), List.of("r"), null),
                constraint(List.of("/d"), List.of(), List.of("GET"), List.of(), null),
                constraint(List.of("/d"), List.of(), List.of("POST"), List.of("r"), null)), Set.of(), false);
        assertEquals(Map.of("/a", "all but GET, POST", "/b", "POST"), table.uncoveredMethods());
    }
}
