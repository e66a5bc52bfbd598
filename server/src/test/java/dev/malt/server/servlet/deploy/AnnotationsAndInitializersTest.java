package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.deploy.apps.AnnotatedFilter;
import dev.malt.server.servlet.deploy.apps.AnnotatedListener;
import dev.malt.server.servlet.deploy.apps.AnnotatedServlet;
import dev.malt.server.servlet.deploy.apps.AppInitializer;
import dev.malt.server.servlet.deploy.apps.BasePlugin;
import dev.malt.server.servlet.deploy.apps.BothPatternsServlet;
import dev.malt.server.servlet.deploy.apps.ConcretePlugin;
import dev.malt.server.servlet.deploy.apps.DefaultNamedServlet;
import dev.malt.server.servlet.deploy.apps.ExtendedPlugin;
import dev.malt.server.servlet.deploy.apps.JarPlugin;
import dev.malt.server.servlet.deploy.apps.LibServlet;
import dev.malt.server.servlet.deploy.apps.MarkedThing;
import dev.malt.server.servlet.deploy.apps.PlainInitializer;
import dev.malt.server.servlet.deploy.apps.Plugin;
import dev.malt.server.servlet.deploy.apps.PluginImpl;
import dev.malt.server.servlet.deploy.apps.PluginMarker;
import dev.malt.server.servlet.deploy.apps.SecuredServlet;
import dev.malt.server.servlet.deploy.apps.SubPlugin;
import dev.malt.server.servlet.deploy.apps.SubSecuredServlet;
import dev.malt.server.servlet.deploy.apps.Unrelated;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Annotations read from class files in WEB-INF/classes and in jars, merged with web.xml, and the
 * ServletContainerInitializers with their @HandlesTypes matches.
 */
class AnnotationsAndInitializersTest {

    private static final String CLASSES = "WEB-INF/classes/";
    private static final String SCI_SERVICE = "META-INF/services/jakarta.servlet.ServletContainerInitializer";

    @TempDir
    Path dir;

    private final WebAppDeployer deployer = new WebAppDeployer(WebAppDeployer.Limits.DEFAULTS);

    private WebAppModel deploy(ZipBuilder war) throws Exception {
        try (DeployedApp app = deployer.deploy("shop", "", war.write(dir.resolve("shop.war")), dir.resolve("state"))) {
            return app.model();
        }
    }

    private static String webXml(String attributes, String body) {
        return "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.1\" " + attributes + ">"
                + body + "</web-app>";
    }

    private static String fragmentXml(String name, String body) {
        return "<web-fragment xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.1\">"
                + (name == null ? "" : "<name>" + name + "</name>") + body + "</web-fragment>";
    }

    private static String names(Class<?>... classes) {
        StringBuilder lines = new StringBuilder("# initializers\n");
        for (Class<?> type : classes) {
            lines.append(type.getName()).append('\n');
        }
        return lines.toString();
    }

    @Test
    void annotatedClassesInWebInfClassesBecomeServletsFiltersAndListeners() throws Exception {
        WebAppModel model = deploy(new ZipBuilder().classes(CLASSES, AnnotatedServlet.class, DefaultNamedServlet.class,
                AnnotatedFilter.class, AnnotatedListener.class, Unrelated.class));
        assertTrue(!model.metadataComplete());
        ServletModel servlet = model.servlet("annotated");
        assertEquals(AnnotatedServlet.class.getName(), servlet.className());
        assertEquals(List.of("/a/*", "/b"), servlet.urlPatterns());
        assertEquals(2, servlet.loadOnStartup());
        assertTrue(servlet.asyncSupported());
        assertEquals(Map.of("p", "annotation", "q", "q"), servlet.initParams());
        assertEquals(new MultipartConfigModel("", 1024, -1, 16), servlet.multipartConfig());
        assertEquals("system", servlet.runAs());
        assertEquals(List.of("admin", "clerk"), model.securityRoles());

        ServletModel defaultNamed = model.servlet(DefaultNamedServlet.class.getName());
        assertEquals(List.of("/default-named"), defaultNamed.urlPatterns(), "the default name is the class name");
        assertNull(defaultNamed.loadOnStartup());

        assertEquals(List.of(new FilterModel("af", AnnotatedFilter.class.getName(), Map.of("level", "1"), true)),
                model.filters());
        assertEquals(List.of(new FilterMappingModel("af", List.of("/*"), List.of("annotated"),
                Set.of(DispatcherType.REQUEST, DispatcherType.FORWARD))), model.filterMappings());
        assertEquals(List.of(AnnotatedListener.class.getName()), model.listeners());
    }

    @Test
    void webXmlOverridesAnnotationsByName() throws Exception {
        WebAppModel model = deploy(new ZipBuilder()
                .classes(CLASSES, AnnotatedServlet.class, AnnotatedFilter.class, DefaultNamedServlet.class)
                .text("WEB-INF/web.xml", webXml("", """
                        <servlet>
                          <servlet-name>annotated</servlet-name>
                          <init-param><param-name>p</param-name><param-value>xml</param-value></init-param>
                          <init-param><param-name>r</param-name><param-value>r</param-value></init-param>
                        </servlet>
                        <servlet-mapping><servlet-name>annotated</servlet-name><url-pattern>/xml/*</url-pattern></servlet-mapping>
                        <servlet>
                          <servlet-name>other</servlet-name>
                          <servlet-class>dev.malt.server.servlet.deploy.apps.DefaultNamedServlet</servlet-class>
                        </servlet>
                        <servlet-mapping><servlet-name>other</servlet-name><url-pattern>/other</url-pattern></servlet-mapping>
                        <filter-mapping><filter-name>af</filter-name><url-pattern>/only/*</url-pattern>
                          <dispatcher>ERROR</dispatcher></filter-mapping>
                        """)));
        ServletModel servlet = model.servlet("annotated");
        assertEquals(AnnotatedServlet.class.getName(), servlet.className(), "the class comes from the annotation");
        assertEquals(List.of("/xml/*"), servlet.urlPatterns(), "web.xml's mapping replaces the annotation's");
        assertEquals(Map.of("p", "xml", "r", "r", "q", "q"), servlet.initParams(), "init params add up, xml wins");
        assertEquals(2, servlet.loadOnStartup());
        assertEquals(List.of(new FilterMappingModel("af", List.of("/only/*"), List.of(),
                Set.of(DispatcherType.ERROR))), model.filterMappings());
        assertEquals(List.of("/other"), model.servlet("other").urlPatterns());
        assertEquals(List.of("/default-named"), model.servlet(DefaultNamedServlet.class.getName()).urlPatterns(),
                "the same class under another name is another servlet");
    }

    @Test
    void metadataCompleteSkipsAnnotationsAndFragmentsButNotInitializers() throws Exception {
        WebAppModel model = deploy(new ZipBuilder()
                .classes(CLASSES, AnnotatedServlet.class, AnnotatedListener.class, AppInitializer.class, Plugin.class,
                        PluginImpl.class)
                .text(CLASSES + SCI_SERVICE, names(AppInitializer.class))
                .zip("WEB-INF/lib/frag.jar", new ZipBuilder().text("META-INF/web-fragment.xml",
                        fragmentXml("frag", "<listener><listener-class>com.example.L</listener-class></listener>")))
                .text("WEB-INF/web.xml", webXml("metadata-complete=\"true\"", "")));
        assertTrue(model.metadataComplete());
        assertEquals(List.of(), model.servlets());
        assertEquals(List.of(), model.listeners());
        assertNull(model.orderedLibs());
        assertEquals(List.of(new InitializerModel(AppInitializer.class.getName(), List.of(PluginImpl.class.getName()))),
                model.initializers());
    }

    @Test
    void handlesTypesFindsImplementationsSubclassesAndAnnotatedClasses() throws Exception {
        WebAppModel model = deploy(new ZipBuilder()
                .classes(CLASSES, AppInitializer.class, PlainInitializer.class, Plugin.class, PluginImpl.class,
                        SubPlugin.class, ExtendedPlugin.class, BasePlugin.class, ConcretePlugin.class,
                        PluginMarker.class, MarkedThing.class, Unrelated.class)
                .text(CLASSES + SCI_SERVICE, names(AppInitializer.class, PlainInitializer.class))
                .zip("WEB-INF/lib/plugins.jar", new ZipBuilder().classes("", JarPlugin.class)));
        assertEquals(List.of(
                new InitializerModel(AppInitializer.class.getName(), List.of(
                        ConcretePlugin.class.getName(), ExtendedPlugin.class.getName(), JarPlugin.class.getName(),
                        MarkedThing.class.getName(), PluginImpl.class.getName(), SubPlugin.class.getName())),
                new InitializerModel(PlainInitializer.class.getName(), null)), model.initializers());
    }

    @Test
    void anInitializerWhoseTypesNothingMatchesGetsNull() throws Exception {
        WebAppModel model = deploy(new ZipBuilder()
                .classes(CLASSES, AppInitializer.class, Plugin.class, BasePlugin.class, PluginMarker.class,
                        Unrelated.class)
                .text(CLASSES + SCI_SERVICE, names(AppInitializer.class)));
        assertEquals(List.of(new InitializerModel(AppInitializer.class.getName(), null)), model.initializers());
    }

    @Test
    void initializersAreFoundInJarsInFragmentOrder() throws Exception {
        WebAppModel model = deploy(new ZipBuilder()
                .zip("WEB-INF/lib/a.jar", new ZipBuilder()
                        .text("META-INF/web-fragment.xml", fragmentXml("A", "<ordering><after><others/></after></ordering>"))
                        .text(SCI_SERVICE, names(AppInitializer.class)).classes("", AppInitializer.class))
                .zip("WEB-INF/lib/b.jar", new ZipBuilder()
                        .text(SCI_SERVICE, names(PlainInitializer.class)).classes("", PlainInitializer.class)));
        assertEquals(List.of(PlainInitializer.class.getName(), AppInitializer.class.getName()),
                model.initializers().stream().map(InitializerModel::className).toList());
        assertEquals(List.of("b.jar", "a.jar"), model.orderedLibs());
    }

    @Test
    void jarsExcludedByAbsoluteOrderingContributeNothing() throws Exception {
        ZipBuilder excluded = new ZipBuilder()
                .text("META-INF/web-fragment.xml", fragmentXml("Excluded",
                        "<listener><listener-class>com.example.ExcludedListener</listener-class></listener>"))
                .text(SCI_SERVICE, names(PlainInitializer.class))
                .classes("", PlainInitializer.class, LibServlet.class, JarPlugin.class)
                .text("META-INF/resources/excluded.css", "x");
        ZipBuilder included = new ZipBuilder()
                .text("META-INF/web-fragment.xml", fragmentXml("Included",
                        "<listener><listener-class>com.example.IncludedListener</listener-class></listener>"))
                .text("META-INF/resources/included.css", "y");
        Path war = new ZipBuilder()
                .classes(CLASSES, AppInitializer.class, Plugin.class, PluginImpl.class)
                .text(CLASSES + SCI_SERVICE, names(AppInitializer.class))
                .zip("WEB-INF/lib/excluded.jar", excluded)
                .zip("WEB-INF/lib/included.jar", included)
                .zip("WEB-INF/lib/plain.jar", new ZipBuilder().text("x.txt", "x"))
                .text("WEB-INF/web.xml", webXml("", "<absolute-ordering><name>Included</name></absolute-ordering>"))
                .write(dir.resolve("shop.war"));
        try (DeployedApp app = deployer.deploy("shop", "", war, dir.resolve("state"))) {
            WebAppModel model = app.model();
            assertEquals(List.of("com.example.IncludedListener"), model.listeners());
            assertEquals(List.of(), model.servlets(), "no annotations from an excluded jar");
            assertEquals(List.of(new InitializerModel(AppInitializer.class.getName(),
                    List.of(PluginImpl.class.getName()))), model.initializers(),
                    "no initializer and no @HandlesTypes match from an excluded jar");
            assertEquals(List.of("included.jar"), model.orderedLibs());
            assertEquals(2, app.resourceRoots().size());
            assertTrue(java.nio.file.Files.exists(app.resourceRoots().get(1).resolve("included.css")));
            assertEquals(4, app.classLoader().getURLs().length, "excluded jars still load classes");
        }
    }

    @Test
    void aJarsAnnotationsJoinItsFragmentAndAMetadataCompleteFragmentHasNone() throws Exception {
        WebAppModel model = deploy(new ZipBuilder()
                .zip("WEB-INF/lib/lib.jar", new ZipBuilder().classes("", LibServlet.class))
                .zip("WEB-INF/lib/quiet.jar", new ZipBuilder().classes("", DefaultNamedServlet.class)
                        .text("META-INF/web-fragment.xml", "<web-fragment xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" "
                                + "version=\"6.1\" metadata-complete=\"true\"/>")));
        assertEquals(List.of("/lib/*"), model.servlet("lib").urlPatterns());
        assertNull(model.servlet(DefaultNamedServlet.class.getName()));
    }

    @Test
    void servletSecurityBecomesConstraintsForTheServletsPatterns() throws Exception {
        WebAppModel model = deploy(new ZipBuilder()
                .classes(CLASSES, SecuredServlet.class, SubSecuredServlet.class)
                .text("WEB-INF/web.xml", webXml("", """
                        <servlet><servlet-name>sub</servlet-name>
                          <servlet-class>dev.malt.server.servlet.deploy.apps.SubSecuredServlet</servlet-class></servlet>
                        <servlet-mapping><servlet-name>sub</servlet-name><url-pattern>/sub</url-pattern></servlet-mapping>
                        <security-constraint>
                          <web-resource-collection><url-pattern>/covered</url-pattern></web-resource-collection>
                        </security-constraint>
                        """)));
        List<SecurityConstraintModel> constraints = model.securityConstraints();
        assertEquals(5, constraints.size(), constraints.toString());
        assertEquals(List.of("/covered"), constraints.get(0).collections().get(0).urlPatterns());
        // @ServletSecurity(@HttpConstraint(rolesAllowed = "R1"), @HttpMethodConstraint("TRACE", DENY)):
        // all methods but TRACE need R1; TRACE is denied. "/covered" is left to web.xml's constraint.
        assertEquals(new SecurityConstraintModel(List.of(new SecurityConstraintModel.WebResourceCollection(
                List.of("/sub"), List.of(), List.of("TRACE"))), List.of("R1"), "NONE"), constraints.get(1));
        assertEquals(new SecurityConstraintModel(List.of(new SecurityConstraintModel.WebResourceCollection(
                List.of("/sub"), List.of("TRACE"), List.of())), List.of(), "NONE"), constraints.get(2));
        assertEquals(new SecurityConstraintModel(List.of(new SecurityConstraintModel.WebResourceCollection(
                List.of("/secured/*"), List.of(), List.of("TRACE"))), List.of("R1"), "NONE"), constraints.get(3));
        assertEquals(new SecurityConstraintModel(List.of(new SecurityConstraintModel.WebResourceCollection(
                List.of("/secured/*"), List.of("TRACE"), List.of())), List.of(), "NONE"), constraints.get(4));
    }

    @Test
    void valueAndUrlPatternsTogetherAreRefused() {
        AppLoadException e = assertThrows(AppLoadException.class,
                () -> deploy(new ZipBuilder().classes(CLASSES, BothPatternsServlet.class)));
        assertTrue(e.getMessage().contains("@WebServlet on " + BothPatternsServlet.class.getName())
                && e.getMessage().contains("'value' and 'urlPatterns'"), e.getMessage());
    }

    @Test
    void classesAreReadNotLoaded() throws Exception {
        System.setProperty("never", "true");
        try {
            WebAppModel model = deploy(new ZipBuilder().classes(CLASSES, AnnotatedServlet.class));
            assertEquals(AnnotatedServlet.class.getName(), model.servlet("annotated").className());
        } finally {
            System.clearProperty("never");
        }
    }
}
