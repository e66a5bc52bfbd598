package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 8.2.3: how web.xml and the fragments of WEB-INF/lib jars merge. */
class FragmentMergeTest {

    @TempDir
    Path dir;

    private final WebAppDeployer deployer = new WebAppDeployer(WebAppDeployer.Limits.DEFAULTS);

    private static String fragment(String name, String body) {
        return "<web-fragment xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.1\"><name>" + name + "</name>"
                + body + "</web-fragment>";
    }

    private ZipBuilder war(String webXmlBody, String... fragments) {
        ZipBuilder war = new ZipBuilder();
        if (webXmlBody != null) {
            war.text("WEB-INF/web.xml", "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"5.0\">"
                    + webXmlBody + "</web-app>");
        }
        for (int i = 0; i < fragments.length; i++) {
            war.zip("WEB-INF/lib/f" + (i + 1) + ".jar", new ZipBuilder().text("META-INF/web-fragment.xml", fragments[i]));
        }
        return war;
    }

    private WebAppModel deploy(ZipBuilder war) throws Exception {
        try (DeployedApp app = deployer.deploy("shop", "", war.write(dir.resolve("shop.war")), dir.resolve("state"))) {
            return app.model();
        }
    }

    private String jar(int number) {
        return dir.resolve("shop.war") + "!/WEB-INF/lib/f" + number + ".jar!/META-INF/web-fragment.xml";
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' missing in: " + message);
        }
    }

    private static final String SERVLET_F1 = """
            <servlet><servlet-name>s</servlet-name><servlet-class>com.example.S</servlet-class>
              <init-param><param-name>color</param-name><param-value>red</param-value></init-param>
              <load-on-startup>1</load-on-startup></servlet>
            <servlet-mapping><servlet-name>s</servlet-name><url-pattern>/f1</url-pattern></servlet-mapping>
            """;
    private static final String SERVLET_F2 = """
            <servlet><servlet-name>s</servlet-name><servlet-class>com.example.S</servlet-class>
              <init-param><param-name>color</param-name><param-value>blue</param-value></init-param>
              <load-on-startup>2</load-on-startup></servlet>
            <servlet-mapping><servlet-name>s</servlet-name><url-pattern>/f2</url-pattern></servlet-mapping>
            """;

    @Test
    void fragmentsAddToWebXmlAsIfWrittenInIt() throws Exception {
        WebAppModel model = deploy(war("""
                        <display-name>main</display-name>
                        <context-param><param-name>a</param-name><param-value>main</param-value></context-param>
                        <listener><listener-class>com.example.Main</listener-class></listener>
                        <welcome-file-list><welcome-file>index.jsp</welcome-file></welcome-file-list>
                        """,
                fragment("F1", """
                        <display-name>ignored</display-name>
                        <context-param><param-name>a</param-name><param-value>fragment</param-value></context-param>
                        <context-param><param-name>b</param-name><param-value>f1</param-value></context-param>
                        <listener><listener-class>com.example.Main</listener-class></listener>
                        <listener><listener-class>com.example.F1</listener-class></listener>
                        <welcome-file-list><welcome-file>index.html</welcome-file></welcome-file-list>
                        <mime-mapping><extension>foo</extension><mime-type>text/foo</mime-type></mime-mapping>
                        <error-page><error-code>404</error-code><location>/f1/404.html</location></error-page>
                        <session-config><session-timeout>5</session-timeout></session-config>
                        <security-role><role-name>f1</role-name></security-role>
                        <jsp-config><jsp-property-group><url-pattern>/f1/*</url-pattern></jsp-property-group></jsp-config>
                        """ + SERVLET_F1)));
        assertEquals("main", model.displayName());
        assertEquals(Map.of("a", "main", "b", "f1"), model.contextParams());
        assertEquals(List.of("com.example.Main", "com.example.F1"), model.listeners());
        assertEquals(List.of("index.jsp", "index.html"), model.welcomeFiles());
        assertEquals(Map.of("foo", "text/foo"), model.mimeMappings());
        assertEquals(List.of(new ErrorPageModel(404, null, "/f1/404.html")), model.errorPages());
        assertEquals(5, model.sessionConfig().timeoutMinutes());
        assertEquals(List.of("f1"), model.securityRoles());
        assertEquals(1, model.jspConfig().propertyGroups().size());
        assertEquals(List.of("/f1"), model.servlet("s").urlPatterns());
        assertNull(model.orderedLibs(), "no ordering was declared");
    }

    @Test
    void twoFragmentsDisagreeingWhereWebXmlIsSilentIsAnErrorNamingBoth() {
        AppLoadException e = assertThrows(AppLoadException.class,
                () -> deploy(war(null, fragment("F1", SERVLET_F1), fragment("F2", SERVLET_F2))));
        assertContains(e.getMessage(), "servlet s: init-param color", jar(1), "'red'", jar(2), "'blue'",
                "Declare the value in WEB-INF/web.xml");
    }

    @Test
    void webXmlSettlesWhatFragmentsDisagreeOn() throws Exception {
        WebAppModel model = deploy(war("""
                        <servlet><servlet-name>s</servlet-name>
                          <init-param><param-name>color</param-name><param-value>green</param-value></init-param>
                          <load-on-startup>7</load-on-startup></servlet>
                        """, fragment("F1", SERVLET_F1), fragment("F2", SERVLET_F2)));
        ServletModel servlet = model.servlet("s");
        assertEquals("com.example.S", servlet.className(), "the fragments agree on the class: web.xml inherits it");
        assertEquals(Map.of("color", "green"), servlet.initParams());
        assertEquals(7, servlet.loadOnStartup());
        assertEquals(List.of("/f1", "/f2"), servlet.urlPatterns(), "mappings add up across fragments");
    }

    @Test
    void aSettingAbsentFromWebXmlIsInheritedButMustAgreeAcrossFragments() {
        AppLoadException e = assertThrows(AppLoadException.class, () -> deploy(war("""
                        <servlet><servlet-name>s</servlet-name>
                          <init-param><param-name>color</param-name><param-value>green</param-value></init-param>
                        </servlet>""", fragment("F1", SERVLET_F1), fragment("F2", SERVLET_F2))));
        assertContains(e.getMessage(), "servlet s: load-on-startup", "'1'", "'2'");
    }

    @Test
    void webXmlMappingsReplaceTheFragmentsMappingsOfThatServlet() throws Exception {
        WebAppModel model = deploy(war("<servlet-mapping><servlet-name>s</servlet-name><url-pattern>/main</url-pattern>"
                + "</servlet-mapping>", fragment("F1", SERVLET_F1)));
        assertEquals(List.of("/main"), model.servlet("s").urlPatterns());
    }

    @Test
    void otherConflictsAreReportedToo() {
        assertContains(assertThrows(AppLoadException.class, () -> deploy(war(null,
                fragment("F1", "<mime-mapping><extension>x</extension><mime-type>a/x</mime-type></mime-mapping>"),
                fragment("F2", "<mime-mapping><extension>x</extension><mime-type>b/x</mime-type></mime-mapping>")))
        ).getMessage(), "mime-mapping x", "'a/x'", "'b/x'");
        assertContains(assertThrows(AppLoadException.class, () -> deploy(war(null,
                fragment("F1", "<context-param><param-name>p</param-name><param-value>1</param-value></context-param>"),
                fragment("F2", "<context-param><param-name>p</param-name><param-value>2</param-value></context-param>")))
        ).getMessage(), "context-param p");
        assertContains(assertThrows(AppLoadException.class, () -> deploy(war(null,
                fragment("F1", "<session-config><cookie-config><name>A</name></cookie-config></session-config>"),
                fragment("F2", "<session-config><cookie-config><name>B</name></cookie-config></session-config>")))
        ).getMessage(), "session-config: cookie-config name");
        assertContains(assertThrows(AppLoadException.class, () -> deploy(war(null,
                fragment("F1", "<filter><filter-name>f</filter-name><filter-class>A</filter-class></filter>"),
                fragment("F2", "<filter><filter-name>f</filter-name><filter-class>B</filter-class></filter>")))
        ).getMessage(), "filter f: filter-class");
    }

    @Test
    void identicalSettingsInTwoFragmentsAreNoConflict() throws Exception {
        String same = "<mime-mapping><extension>x</extension><mime-type>a/x</mime-type></mime-mapping>";
        WebAppModel model = deploy(war(null, fragment("F1", same), fragment("F2", same)));
        assertEquals(Map.of("x", "a/x"), model.mimeMappings());
    }

    @Test
    void filterMappingsKeepWebXmlOrderThenFragmentOrder() throws Exception {
        WebAppModel model = deploy(war("""
                        <absolute-ordering><name>F2</name><name>F1</name></absolute-ordering>
                        <filter><filter-name>main</filter-name><filter-class>M</filter-class></filter>
                        <filter-mapping><filter-name>main</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                        """,
                fragment("F1", "<filter><filter-name>one</filter-name><filter-class>O</filter-class></filter>"
                        + "<filter-mapping><filter-name>one</filter-name><url-pattern>/*</url-pattern></filter-mapping>"),
                fragment("F2", "<filter><filter-name>two</filter-name><filter-class>T</filter-class></filter>"
                        + "<filter-mapping><filter-name>two</filter-name><url-pattern>/*</url-pattern></filter-mapping>")));
        assertEquals(List.of("main", "two", "one"),
                model.filterMappings().stream().map(FilterMappingModel::filterName).toList());
        assertEquals(List.of("f2.jar", "f1.jar"), model.orderedLibs());
    }

    @Test
    void aFragmentMappingToAnUnknownServletNamesTheFragment() {
        AppLoadException e = assertThrows(AppLoadException.class, () -> deploy(war(null, fragment("F1",
                "<servlet-mapping><servlet-name>ghost</servlet-name><url-pattern>/g</url-pattern></servlet-mapping>"))));
        assertContains(e.getMessage(), jar(1) + ":1:", "servlet 'ghost'");
    }

    @Test
    void aBrokenFragmentNamesItsJar() {
        AppLoadException e = assertThrows(AppLoadException.class, () -> deploy(war(null, "<web-fragment><name>x</name>")));
        assertContains(e.getMessage(), jar(1), "not well-formed XML");
    }

    @Test
    void webInfClassesHoldsNoFragment() throws Exception {
        WebAppModel model = deploy(new ZipBuilder().text("WEB-INF/classes/META-INF/web-fragment.xml",
                fragment("NotAFragment", "<listener><listener-class>com.example.L</listener-class></listener>")));
        assertEquals(List.of(), model.listeners());
    }
}
