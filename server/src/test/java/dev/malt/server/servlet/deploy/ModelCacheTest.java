package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.deploy.apps.AnnotatedFilter;
import dev.malt.server.servlet.deploy.apps.AnnotatedListener;
import dev.malt.server.servlet.deploy.apps.AnnotatedServlet;
import dev.malt.server.servlet.deploy.apps.AppInitializer;
import dev.malt.server.servlet.deploy.apps.PlainInitializer;
import dev.malt.server.servlet.deploy.apps.Plugin;
import dev.malt.server.servlet.deploy.apps.PluginImpl;
import dev.malt.server.servlet.deploy.apps.SecuredServlet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A WAR's model is assembled once per unpacked version; later starts read it back, identical. */
class ModelCacheTest {

    @TempDir
    Path dir;

    private final WebAppDeployer deployer = new WebAppDeployer(WebAppDeployer.Limits.DEFAULTS);

    private Path war() throws Exception {
        return new ZipBuilder()
                .classes("WEB-INF/classes/", AnnotatedServlet.class, AnnotatedFilter.class, AnnotatedListener.class,
                        SecuredServlet.class, AppInitializer.class, Plugin.class, PluginImpl.class)
                .text("WEB-INF/classes/META-INF/services/jakarta.servlet.ServletContainerInitializer",
                        AppInitializer.class.getName())
                .text("WEB-INF/web.xml", """
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <absolute-ordering><name>R</name><others/></absolute-ordering>
                          <context-param><param-name>z</param-name><param-value>1</param-value></context-param>
                          <context-param><param-name>a</param-name><param-value>2</param-value></context-param>
                          <session-config><cookie-config><attribute><attribute-name>SameSite</attribute-name>
                            <attribute-value>Lax</attribute-value></attribute></cookie-config>
                            <tracking-mode>COOKIE</tracking-mode></session-config>
                          <error-page><location>/error</location></error-page>
                          <jsp-config><jsp-property-group><url-pattern>*.jsp</url-pattern></jsp-property-group></jsp-config>
                        </web-app>""")
                .zip("WEB-INF/lib/b.jar", new ZipBuilder().text("META-INF/resources/b.css", "b")
                        .text("META-INF/services/jakarta.servlet.ServletContainerInitializer",
                                PlainInitializer.class.getName()).classes("", PlainInitializer.class))
                .zip("WEB-INF/lib/r.jar", new ZipBuilder().text("META-INF/resources/r.css", "r")
                        .text("META-INF/web-fragment.xml", "<web-fragment><name>R</name></web-fragment>"))
                .write(dir.resolve("shop.war"));
    }

    @Test
    void theSecondStartReadsTheSameModel() throws Exception {
        Path war = war();
        WebAppModel first;
        List<Path> firstRoots;
        try (DeployedApp app = deployer.deploy("shop", "", war, dir.resolve("state"))) {
            first = app.model();
            firstRoots = app.resourceRoots();
            assertTrue(Files.isRegularFile(app.root().getParent().resolve(ModelCache.FILE)));
        }
        try (DeployedApp app = deployer.deploy("shop", "", war, dir.resolve("state"))) {
            WebAppAssembler.Result stored = ModelCache.load(app.root().getParent(), app.root());
            assertEquals(first, stored == null ? null : stored.model(), "read back from model.json");
            assertEquals(first, app.model());
            assertEquals(List.copyOf(first.contextParams().keySet()), List.copyOf(app.model().contextParams().keySet()),
                    "order survives");
            assertEquals(firstRoots, app.resourceRoots());
            assertEquals(List.of("r.jar", "b.jar"), app.model().orderedLibs());
        }
    }

    @Test
    void aDamagedCacheIsIgnored() throws Exception {
        Path war = war();
        WebAppModel first;
        Path cache;
        try (DeployedApp app = deployer.deploy("shop", "", war, dir.resolve("state"))) {
            first = app.model();
            cache = app.root().getParent().resolve(ModelCache.FILE);
        }
        Files.writeString(cache, "{\"format\": 1, \"model\": {\"servlets\": 7");
        try (DeployedApp app = deployer.deploy("shop", "", war, dir.resolve("state"))) {
            assertEquals(first, app.model());
        }
        Files.writeString(cache, Files.readString(cache).replaceFirst("\"build\" : \"[^\"]*\"", "\"build\" : \"old\""));
        try (DeployedApp app = deployer.deploy("shop", "", war, dir.resolve("state"))) {
            assertEquals(first, app.model(), "a model from another build of Malt is assembled again");
        }
        assertTrue(Files.readString(cache).contains("annotated"));
    }
}
