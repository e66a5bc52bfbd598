package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 8.2.2: absolute and relative ordering, with the spec's own examples. */
class FragmentOrderingTest {

    /** A fragment in jar {@code <name>.jar}; {@code ordering} is the XML inside {@code <ordering>}, or null. */
    private static Fragment fragment(String jar, String name, String ordering) throws AppLoadException {
        String xml = "<web-fragment xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.1\">"
                + (name == null ? "" : "<name>" + name + "</name>")
                + (ordering == null ? "" : "<ordering>" + ordering + "</ordering>")
                + "</web-fragment>";
        Descriptor descriptor = DescriptorParser.parseFragment(xml.getBytes(StandardCharsets.UTF_8), jar + ".jar");
        return new Fragment(jar + ".jar", Path.of(jar + ".jar"), descriptor, descriptor.fragmentName);
    }

    private static Fragment plainJar(String jar) {
        return new Fragment(jar + ".jar", Path.of(jar + ".jar"), null, null);
    }

    private static Descriptor.AbsoluteOrdering absolute(String body) throws AppLoadException {
        String xml = "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.1\"><absolute-ordering>"
                + body + "</absolute-ordering></web-app>";
        return DescriptorParser.parseWebXml(xml.getBytes(StandardCharsets.UTF_8), "web.xml").absoluteOrdering;
    }

    private static List<String> names(FragmentOrdering.Result result) {
        List<String> names = new ArrayList<>();
        for (Fragment fragment : result.fragments()) {
            names.add(fragment.name() != null ? fragment.name() : fragment.jarName());
        }
        return names;
    }

    @Test
    void withoutOrderingTheJarsKeepTheirNameOrderAndNoOrderIsPublished() throws Exception {
        FragmentOrdering.Result result = FragmentOrdering.order(List.of(fragment("a", "A", null), plainJar("b"),
                fragment("c", "C", null)), null);
        assertEquals(List.of("A", "b.jar", "C"), names(result));
        assertFalse(result.ordered());
    }

    @Test
    void specExampleOneOfRelativeOrdering() throws Exception {
        // MyFragment1 after MyFragment2; MyFragment3 before others: web.xml, 3, 2, 1
        FragmentOrdering.Result result = FragmentOrdering.order(List.of(
                fragment("f1", "MyFragment1", "<after><name>MyFragment2</name></after>"),
                fragment("f2", "MyFragment2", null),
                fragment("f3", "MyFragment3", "<before><others/></before>")), null);
        assertEquals(List.of("MyFragment3", "MyFragment2", "MyFragment1"), names(result));
        assertTrue(result.ordered());
    }

    @Test
    void specExampleOneOfTheAdditionalScenarios() throws Exception {
        // Resulting parse order: web.xml, F, B, D, E, C, A
        FragmentOrdering.Result result = FragmentOrdering.order(List.of(
                fragment("a", "A", "<after><others/><name>C</name></after>"),
                fragment("b", "B", "<before><others/></before>"),
                fragment("c", "C", "<after><others/></after>"),
                fragment("d", "D", null),
                fragment("e", "E", null),
                fragment("f", "F", "<before><others/><name>B</name></before>")), null);
        assertEquals(List.of("F", "B", "D", "E", "C", "A"), names(result));
    }

    @Test
    void specExampleTwoWithAnUnnamedFragment() throws Exception {
        List<List<String>> allowed = List.of(
                List.of("B", "E", "F", "noid.jar", "C", "D"), List.of("B", "E", "F", "noid.jar", "D", "C"),
                List.of("E", "B", "F", "noid.jar", "C", "D"), List.of("E", "B", "F", "noid.jar", "D", "C"),
                List.of("E", "B", "F", "D", "noid.jar", "C"), List.of("B", "E", "F", "D", "noid.jar", "C"));
        FragmentOrdering.Result result = FragmentOrdering.order(List.of(
                fragment("b", "B", "<before><others/></before>"),
                fragment("c", "C", null),
                fragment("d", "D", "<after><others/></after>"),
                fragment("e", "E", "<before><others/></before>"),
                fragment("f", "F", null),
                fragment("noid", null, "<after><others/></after><before><name>C</name></before>")), null);
        assertTrue(allowed.contains(names(result)), names(result).toString());
    }

    @Test
    void specExampleThree() throws Exception {
        List<List<String>> allowed = List.of(List.of("C", "B", "D", "A"), List.of("C", "D", "B", "A"),
                List.of("C", "B", "A", "D"));
        FragmentOrdering.Result result = FragmentOrdering.order(List.of(
                fragment("a", "A", "<after><name>B</name></after>"),
                fragment("b", "B", null),
                fragment("c", "C", "<before><others/></before>"),
                fragment("d", "D", null)), null);
        assertTrue(allowed.contains(names(result)), names(result).toString());
    }

    @Test
    void beforeAndAfterNamesChainThroughUnorderedFragments() throws Exception {
        FragmentOrdering.Result result = FragmentOrdering.order(List.of(
                fragment("a", "A", "<after><name>C</name></after>"),
                fragment("b", "B", "<before><name>C</name></before>"),
                fragment("c", "C", null),
                fragment("d", "D", "<after><name>Missing</name></after>")), null);
        List<String> order = names(result);
        assertTrue(order.indexOf("B") < order.indexOf("C") && order.indexOf("C") < order.indexOf("A"),
                order.toString());
    }

    @Test
    void aCycleIsAnErrorNamingItsMembers() throws Exception {
        AppLoadException e = assertThrows(AppLoadException.class, () -> FragmentOrdering.order(List.of(
                fragment("a", "A", "<after><name>B</name></after>"),
                fragment("b", "B", "<after><name>C</name></after>"),
                fragment("c", "C", "<after><name>A</name></after>"),
                fragment("d", "D", "<after><name>A</name></after>")), null));
        String message = e.getMessage();
        assertTrue(message.contains("contradict"), message);
        assertTrue(message.contains("'A' (a.jar)") && message.contains("'B' (b.jar)")
                && message.contains("'C' (c.jar)"), message);
        assertFalse(message.contains("'D'"), "D only waits on the cycle: " + message);
        assertTrue(message.contains("<absolute-ordering>"), message);
    }

    @Test
    void twoFragmentsWithOneNameFailUnderRelativeOrdering() throws Exception {
        AppLoadException e = assertThrows(AppLoadException.class, () -> FragmentOrdering.order(List.of(
                fragment("lib-1.0", "Lib", null), fragment("lib-2.0", "Lib", null)), null));
        assertTrue(e.getMessage().contains("'Lib'") && e.getMessage().contains("WEB-INF/lib/lib-1.0.jar")
                && e.getMessage().contains("WEB-INF/lib/lib-2.0.jar"), e.getMessage());
    }

    @Test
    void beforeAndAfterOthersAtOnceIsRefused() {
        AppLoadException e = assertThrows(AppLoadException.class,
                () -> fragment("a", "A", "<before><others/></before><after><others/></after>"));
        assertTrue(e.getMessage().contains("a.jar:1:"), e.getMessage());
    }

    @Test
    void absoluteOrderingWithOthersPutsTheRestWhereOthersStands() throws Exception {
        FragmentOrdering.Result result = FragmentOrdering.order(List.of(
                fragment("a", "A", "<before><others/></before>"), plainJar("b"), fragment("c", "C", null),
                fragment("d", "D", null)), absolute("<name>D</name><others/><name>A</name><name>Absent</name>"));
        assertEquals(List.of("D", "b.jar", "C", "A"), names(result), "relative ordering is ignored");
        assertTrue(result.ordered());
    }

    @Test
    void absoluteOrderingWithoutOthersExcludesTheRest() throws Exception {
        FragmentOrdering.Result result = FragmentOrdering.order(List.of(
                fragment("a", "A", null), plainJar("b"), fragment("c", "C", null)),
                absolute("<name>C</name><name>C</name>"));
        assertEquals(List.of("C"), names(result), "a repeated name counts once; unnamed jars are excluded too");
    }

    @Test
    void underAbsoluteOrderingADuplicateNameGoesToTheFirstJar() throws Exception {
        FragmentOrdering.Result result = FragmentOrdering.order(List.of(
                fragment("lib-1.0", "Lib", null), fragment("lib-2.0", "Lib", null)), absolute("<name>Lib</name>"));
        assertEquals(List.of("lib-1.0.jar"), jarNames(result));
        result = FragmentOrdering.order(List.of(fragment("lib-1.0", "Lib", null), fragment("lib-2.0", "Lib", null)),
                absolute("<others/><name>Lib</name>"));
        assertEquals(List.of("lib-2.0.jar", "lib-1.0.jar"), jarNames(result));
    }

    private static List<String> jarNames(FragmentOrdering.Result result) {
        return result.fragments().stream().map(Fragment::jarName).toList();
    }
}
