package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.SessionTrackingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** web.xml of every schema generation, read into the model; and the errors a broken one gives. */
class WebXmlTest {

    @TempDir
    Path dir;

    private final WebAppDeployer deployer = new WebAppDeployer(WebAppDeployer.Limits.DEFAULTS);

    private WebAppModel deploy(String webXml) throws Exception {
        return deploy(webXml, java.nio.charset.StandardCharsets.UTF_8);
    }

    private WebAppModel deploy(String webXml, java.nio.charset.Charset charset) throws Exception {
        Path app = dir.resolve("app");
        Files.createDirectories(app.resolve("WEB-INF"));
        Files.writeString(app.resolve("WEB-INF/web.xml"), webXml, charset);
        try (DeployedApp deployed = deployer.deploy("shop", "", app, dir.resolve("state"))) {
            return deployed.model();
        }
    }

    private AppLoadException failure(String webXml) {
        return assertThrows(AppLoadException.class, () -> deploy(webXml));
    }

    private String webXmlPath() {
        return dir.resolve("app/WEB-INF/web.xml").toString();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' missing in: " + message);
        }
    }

    private static String webApp(String namespace, String version, String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<web-app xmlns=\"" + namespace + "\" "
                + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"" + version + "\">\n"
                + body + "\n</web-app>\n";
    }

    private static final String SERVLET = """
              <servlet>
                <servlet-name>hello</servlet-name>
                <servlet-class>com.example.Hello</servlet-class>
                <load-on-startup>1</load-on-startup>
              </servlet>
              <servlet-mapping>
                <servlet-name>hello</servlet-name>
                <url-pattern>/hello/*</url-pattern>
                <url-pattern>*.do</url-pattern>
              </servlet-mapping>
            """;

    @ParameterizedTest
    @CsvSource({
            "http://java.sun.com/xml/ns/javaee, 2.5, 2, 5, false",
            "http://java.sun.com/xml/ns/javaee, 3.0, 3, 0, false",
            "http://xmlns.jcp.org/xml/ns/javaee, 3.1, 3, 1, false",
            "http://xmlns.jcp.org/xml/ns/javaee, 4.0, 4, 0, false",
            "https://jakarta.ee/xml/ns/jakartaee, 5.0, 5, 0, false",
            "https://jakarta.ee/xml/ns/jakartaee, 6.0, 6, 0, false",
            "https://jakarta.ee/xml/ns/jakartaee, 6.1, 6, 1, false",
            "http://java.sun.com/xml/ns/j2ee, 2.4, 2, 4, true",
    })
    void everySchemaGenerationReads(String namespace, String version, int major, int minor,
                                    boolean metadataComplete) throws Exception {
        WebAppModel model = deploy(webApp(namespace, version, SERVLET));
        assertEquals(major, model.majorVersion());
        assertEquals(minor, model.minorVersion());
        assertEquals(metadataComplete, model.metadataComplete(), "descriptors before 2.5 are complete by definition");
        ServletModel servlet = model.servlet("hello");
        assertEquals("com.example.Hello", servlet.className());
        assertEquals(1, servlet.loadOnStartup());
        assertEquals(List.of("/hello/*", "*.do"), servlet.urlPatterns());
    }

    @Test
    void aServlet23DescriptorWithItsDoctypeReadsWithoutFetchingTheDtd() throws Exception {
        WebAppModel model = deploy("""
                <?xml version="1.0" encoding="ISO-8859-1"?>
                <!DOCTYPE web-app PUBLIC "-//Sun Microsystems, Inc.//DTD Web Application 2.3//EN"
                    "http://java.sun.com/dtd/web-app_2_3.dtd">
                <web-app>
                  <display-name>Old caf\u00e9</display-name>
                  <servlet><servlet-name>old</servlet-name><servlet-class>com.example.Old</servlet-class>
                    <load-on-startup/></servlet>
                  <servlet-mapping><servlet-name>old</servlet-name><url-pattern>old/*</url-pattern></servlet-mapping>
                  <taglib><taglib-uri>/tags</taglib-uri><taglib-location>/WEB-INF/tags.tld</taglib-location></taglib>
                </web-app>
                """, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(2, model.majorVersion());
        assertEquals(3, model.minorVersion());
        assertTrue(model.metadataComplete());
        assertEquals("Old caf\u00e9", model.displayName());
        assertEquals(0, model.servlet("old").loadOnStartup(), "an empty load-on-startup means at startup");
        assertEquals(List.of("/old/*"), model.servlet("old").urlPatterns(), "2.3 containers accepted a missing '/'");
        assertEquals(Map.of("/tags", "/WEB-INF/tags.tld"), model.jspConfig().taglibs());
    }

    @Test
    void aDescriptorWithoutNamespaceOrVersionIsTheLatest() throws Exception {
        WebAppModel model = deploy("<web-app><display-name>bare</display-name></web-app>");
        assertEquals(6, model.majorVersion());
        assertEquals(1, model.minorVersion());
        assertFalse(model.metadataComplete());
    }

    @Test
    void noWebXmlMeansVersion61AndAnEmptyApp() throws Exception {
        Path app = Files.createDirectories(dir.resolve("static"));
        Files.writeString(app.resolve("index.html"), "hi");
        try (DeployedApp deployed = deployer.deploy("shop", "", app, dir.resolve("state"))) {
            WebAppModel model = deployed.model();
            assertEquals(6, model.majorVersion());
            assertEquals(1, model.minorVersion());
            assertEquals(List.of(), model.servlets());
            assertNull(model.welcomeFiles());
            assertNull(model.orderedLibs());
        }
    }

    @Test
    void everyPartOfAFullDescriptorReachesTheModel() throws Exception {
        WebAppModel model = deploy(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <display-name>Full</display-name>
                  <distributable/>
                  <context-param><param-name>a</param-name><param-value> 1 </param-value></context-param>
                  <context-param><param-name>b</param-name><param-value></param-value></context-param>
                  <default-context-path>/full</default-context-path>
                  <request-character-encoding>UTF-8</request-character-encoding>
                  <response-character-encoding>ISO-8859-1</response-character-encoding>
                  <servlet>
                    <servlet-name>main</servlet-name>
                    <servlet-class>com.example.Main</servlet-class>
                    <init-param><param-name>x</param-name><param-value>1</param-value></init-param>
                    <init-param><param-name>y</param-name><param-value>2</param-value></init-param>
                    <load-on-startup>-1</load-on-startup>
                    <enabled>false</enabled>
                    <async-supported>true</async-supported>
                    <run-as><role-name>system</role-name></run-as>
                    <security-role-ref><role-name>boss</role-name><role-link>manager</role-link></security-role-ref>
                    <multipart-config>
                      <location>/var/tmp</location>
                      <max-file-size>1000</max-file-size>
                      <max-request-size>2000</max-request-size>
                      <file-size-threshold>10</file-size-threshold>
                    </multipart-config>
                  </servlet>
                  <servlet><servlet-name>page</servlet-name><jsp-file>/WEB-INF/jsp/../page.jsp</jsp-file></servlet>
                  <servlet-mapping><servlet-name>main</servlet-name><url-pattern>/</url-pattern></servlet-mapping>
                  <servlet-mapping><servlet-name>page</servlet-name><url-pattern></url-pattern></servlet-mapping>
                  <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/page</url-pattern></servlet-mapping>
                  <filter>
                    <filter-name>enc</filter-name>
                    <filter-class>com.example.Enc</filter-class>
                    <async-supported>true</async-supported>
                    <init-param><param-name>charset</param-name><param-value>UTF-8</param-value></init-param>
                  </filter>
                  <filter><filter-name>log</filter-name><filter-class>com.example.Log</filter-class></filter>
                  <filter-mapping><filter-name>enc</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                  <filter-mapping>
                    <filter-name>log</filter-name>
                    <servlet-name>*</servlet-name>
                    <url-pattern>*.jsp</url-pattern>
                    <dispatcher>FORWARD</dispatcher>
                    <dispatcher>ERROR</dispatcher>
                  </filter-mapping>
                  <listener><listener-class>com.example.Startup</listener-class></listener>
                  <listener><listener-class>com.example.Sessions</listener-class></listener>
                  <welcome-file-list><welcome-file>index.jsp</welcome-file></welcome-file-list>
                  <welcome-file-list><welcome-file>home.html</welcome-file></welcome-file-list>
                  <error-page><error-code>404</error-code><location>/404.html</location></error-page>
                  <error-page><exception-type>java.lang.IllegalStateException</exception-type>
                    <location>/state.jsp</location></error-page>
                  <error-page><location>/error.jsp</location></error-page>
                  <session-config>
                    <session-timeout>15</session-timeout>
                    <cookie-config>
                      <name>SID</name>
                      <domain>example.com</domain>
                      <path>/</path>
                      <http-only>true</http-only>
                      <secure>true</secure>
                      <max-age>3600</max-age>
                      <attribute><attribute-name>SameSite</attribute-name><attribute-value>Strict</attribute-value></attribute>
                    </cookie-config>
                    <tracking-mode>COOKIE</tracking-mode>
                    <tracking-mode>SSL</tracking-mode>
                  </session-config>
                  <mime-mapping><extension>.WEBP</extension><mime-type>image/webp</mime-type></mime-mapping>
                  <locale-encoding-mapping-list>
                    <locale-encoding-mapping><locale>ja</locale><encoding>Shift_JIS</encoding></locale-encoding-mapping>
                  </locale-encoding-mapping-list>
                  <jsp-config>
                    <taglib><taglib-uri>http://example.com/tags</taglib-uri><taglib-location>/WEB-INF/t.tld</taglib-location></taglib>
                    <jsp-property-group>
                      <url-pattern>*.jsp</url-pattern>
                      <el-ignored>false</el-ignored>
                      <page-encoding>UTF-8</page-encoding>
                      <include-prelude>/WEB-INF/prelude.jspf</include-prelude>
                      <include-coda>/WEB-INF/coda.jspf</include-coda>
                      <trim-directive-whitespaces>true</trim-directive-whitespaces>
                    </jsp-property-group>
                  </jsp-config>
                  <security-constraint>
                    <display-name>admin area</display-name>
                    <web-resource-collection>
                      <web-resource-name>admin</web-resource-name>
                      <url-pattern>/admin/*</url-pattern>
                      <http-method-omission>GET</http-method-omission>
                    </web-resource-collection>
                    <auth-constraint><role-name>manager</role-name></auth-constraint>
                    <user-data-constraint><transport-guarantee>CONFIDENTIAL</transport-guarantee></user-data-constraint>
                  </security-constraint>
                  <security-constraint>
                    <web-resource-collection><url-pattern>/closed/*</url-pattern></web-resource-collection>
                    <auth-constraint/>
                  </security-constraint>
                  <login-config>
                    <auth-method>FORM</auth-method>
                    <realm-name>shop</realm-name>
                    <form-login-config>
                      <form-login-page>/login.jsp</form-login-page>
                      <form-error-page>/login-error.jsp</form-error-page>
                    </form-login-config>
                  </login-config>
                  <security-role><role-name>manager</role-name></security-role>
                  <security-role><role-name>system</role-name></security-role>
                  <deny-uncovered-http-methods/>
                  <env-entry><env-entry-name>ignored</env-entry-name><env-entry-type>java.lang.String</env-entry-type></env-entry>
                """));
        assertEquals("Full", model.displayName());
        assertEquals(Map.of("a", "1", "b", ""), model.contextParams());
        assertEquals(List.of("a", "b"), List.copyOf(model.contextParams().keySet()));
        assertEquals("/full", model.defaultContextPath());
        assertEquals("UTF-8", model.requestCharacterEncoding());
        assertEquals("ISO-8859-1", model.responseCharacterEncoding());

        ServletModel main = model.servlet("main");
        assertEquals(Map.of("x", "1", "y", "2"), main.initParams());
        assertEquals(-1, main.loadOnStartup());
        assertFalse(main.enabled());
        assertTrue(main.asyncSupported());
        assertEquals("system", main.runAs());
        assertEquals(Map.of("boss", "manager"), main.roleRefs());
        assertEquals(new MultipartConfigModel("/var/tmp", 1000, 2000, 10), main.multipartConfig());
        assertEquals(List.of("/"), main.urlPatterns());
        ServletModel page = model.servlet("page");
        assertNull(page.className());
        assertEquals("/WEB-INF/page.jsp", page.jspFile(), "paths are canonicalized");
        assertEquals(List.of("", "/page"), page.urlPatterns());
        assertNull(page.loadOnStartup());
        assertTrue(page.enabled());
        assertFalse(page.asyncSupported());

        assertEquals(List.of(new FilterModel("enc", "com.example.Enc", Map.of("charset", "UTF-8"), true),
                new FilterModel("log", "com.example.Log", Map.of(), false)), model.filters());
        assertEquals(List.of(
                new FilterMappingModel("enc", List.of("/*"), List.of(), Set.of(DispatcherType.REQUEST)),
                new FilterMappingModel("log", List.of("*.jsp"), List.of("*"),
                        Set.of(DispatcherType.FORWARD, DispatcherType.ERROR))), model.filterMappings());
        assertEquals(List.of("com.example.Startup", "com.example.Sessions"), model.listeners());
        assertEquals(List.of("index.jsp", "home.html"), model.welcomeFiles(), "welcome-file-lists concatenate");
        assertEquals(List.of(new ErrorPageModel(404, null, "/404.html"),
                new ErrorPageModel(0, "java.lang.IllegalStateException", "/state.jsp"),
                new ErrorPageModel(0, null, "/error.jsp")), model.errorPages());
        assertTrue(model.errorPages().get(2).isDefault());

        SessionConfigModel session = model.sessionConfig();
        assertEquals(new SessionConfigModel(15, "SID", "example.com", "/", true, true, 3600,
                Map.of("SameSite", "Strict"), Set.of(SessionTrackingMode.COOKIE, SessionTrackingMode.SSL)), session);
        assertEquals(Map.of("webp", "image/webp"), model.mimeMappings());
        assertEquals(Map.of("ja", "Shift_JIS"), model.localeEncodingMappings());

        assertEquals(Map.of("http://example.com/tags", "/WEB-INF/t.tld"), model.jspConfig().taglibs());
        JspConfigModel.JspPropertyGroupModel group = model.jspConfig().propertyGroups().get(0);
        assertEquals(List.of("*.jsp"), group.urlPatterns());
        assertEquals("false", group.elIgnored());
        assertEquals("UTF-8", group.pageEncoding());
        assertEquals(List.of("/WEB-INF/prelude.jspf"), group.includePreludes());
        assertEquals(List.of("/WEB-INF/coda.jspf"), group.includeCodas());
        assertEquals("true", group.trimDirectiveWhitespaces());
        assertNull(group.isXml());

        assertEquals(List.of(
                new SecurityConstraintModel(List.of(new SecurityConstraintModel.WebResourceCollection(
                        List.of("/admin/*"), List.of(), List.of("GET"))), List.of("manager"), "CONFIDENTIAL"),
                new SecurityConstraintModel(List.of(new SecurityConstraintModel.WebResourceCollection(
                        List.of("/closed/*"), List.of(), List.of())), List.of(), null)), model.securityConstraints());
        assertEquals(new LoginConfigModel("FORM", "shop", "/login.jsp", "/login-error.jsp"), model.loginConfig());
        assertEquals(List.of("manager", "system"), model.securityRoles());
        assertTrue(model.denyUncoveredHttpMethods());
        assertEquals(List.of(), model.initializers());
    }

    @Test
    void metadataCompleteIsRead() throws Exception {
        WebAppModel model = deploy("<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\" "
                + "metadata-complete=\"true\"/>");
        assertTrue(model.metadataComplete());
    }

    @Test
    void externalEntitiesAreNeverResolved() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
        AppLoadException e = failure("<?xml version=\"1.0\"?>\n<!DOCTYPE web-app [<!ENTITY xxe SYSTEM \""
                + secret.toUri() + "\">]>\n<web-app><display-name>&xxe;</display-name></web-app>");
        assertContains(e.getMessage(), webXmlPath() + ":3", "not well-formed XML", "xxe");
        assertFalse(e.getMessage().contains("TOP-SECRET"));
    }

    @Test
    void malformedXmlNamesFileAndLine() {
        AppLoadException e = failure("<web-app>\n  <servlet>\n    <servlet-name>x</servlet-name>\n</web-app>\n");
        assertContains(e.getMessage(), webXmlPath() + ":4:", "not well-formed XML", "servlet");
    }

    @Test
    void aBadUrlPatternNamesFileLineAndTheRule() {
        AppLoadException e = failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <servlet><servlet-name>s</servlet-name><servlet-class>S</servlet-class></servlet>
                  <servlet-mapping>
                    <servlet-name>s</servlet-name>
                    <url-pattern>/files/*.pdf</url-pattern>
                  </servlet-mapping>"""));
        assertContains(e.getMessage(), webXmlPath() + ":6:", "url-pattern '/files/*.pdf' is not valid");
    }

    @Test
    void aPatternWithoutSlashInAModernDescriptorIsRefused() {
        AppLoadException e = failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <servlet><servlet-name>s</servlet-name><servlet-class>S</servlet-class></servlet>
                  <servlet-mapping><servlet-name>s</servlet-name><url-pattern>hello</url-pattern></servlet-mapping>"""));
        assertContains(e.getMessage(), webXmlPath() + ":4:", "'hello'", "starts with '/'");
    }

    @Test
    void aMappingToAnUnknownServletNamesTheServletsThereAre() {
        AppLoadException e = failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <servlet><servlet-name>hello</servlet-name><servlet-class>S</servlet-class></servlet>
                  <servlet-mapping><servlet-name>helo</servlet-name><url-pattern>/x</url-pattern></servlet-mapping>"""));
        assertContains(e.getMessage(), webXmlPath() + ":4:", "servlet 'helo'", "declared: hello");
    }

    @Test
    void aFilterMappingToAnUnknownFilterFails() {
        AppLoadException e = failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <filter-mapping><filter-name>nope</filter-name><url-pattern>/*</url-pattern></filter-mapping>"""));
        assertContains(e.getMessage(), webXmlPath() + ":3:", "filter 'nope'", "none is declared");
    }

    @Test
    void onePatternForTwoServletsFails() {
        AppLoadException e = failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <servlet><servlet-name>a</servlet-name><servlet-class>A</servlet-class></servlet>
                  <servlet><servlet-name>b</servlet-name><servlet-class>B</servlet-class></servlet>
                  <servlet-mapping><servlet-name>a</servlet-name><url-pattern>/x</url-pattern></servlet-mapping>
                  <servlet-mapping><servlet-name>b</servlet-name><url-pattern>/x</url-pattern></servlet-mapping>"""));
        assertContains(e.getMessage(), "'/x' is mapped to two servlets", "'a' (" + webXmlPath() + ":5)",
                "'b' (" + webXmlPath() + ":6)");
    }

    @Test
    void duplicateServletNamesFail() {
        AppLoadException e = failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <servlet><servlet-name>a</servlet-name><servlet-class>A</servlet-class></servlet>
                  <servlet><servlet-name>a</servlet-name><servlet-class>B</servlet-class></servlet>"""));
        assertContains(e.getMessage(), webXmlPath() + ":4:", "servlet 'a' is declared twice (first at line 3)");
    }

    @Test
    void badValuesNameTheElement() {
        assertContains(failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <servlet><servlet-name>a</servlet-name><servlet-class>A</servlet-class>
                    <load-on-startup>soon</load-on-startup></servlet>""")).getMessage(),
                webXmlPath() + ":4:", "<load-on-startup> 'soon' is not a whole number");
        assertContains(failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <filter><filter-name>f</filter-name><filter-class>F</filter-class></filter>
                  <filter-mapping><filter-name>f</filter-name><url-pattern>/*</url-pattern>
                    <dispatcher>request</dispatcher></filter-mapping>""")).getMessage(),
                webXmlPath() + ":5:", "'request' is not one of REQUEST, FORWARD");
        assertContains(failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <session-config><session-timeout>30</session-timeout></session-config>
                  <session-config><session-timeout>31</session-timeout></session-config>""")).getMessage(),
                webXmlPath() + ":4:", "<session-config> appears more than once");
        assertContains(failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <request-character-encoding>NOT-A-CHARSET</request-character-encoding>""")).getMessage(),
                webXmlPath() + ":3:", "'NOT-A-CHARSET' is not a character encoding");
        assertContains(failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "6.1", """
                  <error-page><error-code>404</error-code><location>/../404.html</location></error-page>""")).getMessage(),
                webXmlPath() + ":3:", "climbs above the WAR's root");
        assertContains(failure(webApp("https://jakarta.ee/xml/ns/jakartaee", "x.y", "")).getMessage(),
                webXmlPath() + ":2:", "version=\"x.y\"");
        assertContains(failure("<web-fragment/>").getMessage(), webXmlPath() + ":1:", "must start with <web-app>");
        assertContains(failure("<web-app xmlns=\"http://example.com/ns\"/>").getMessage(),
                "unknown namespace 'http://example.com/ns'", "https://jakarta.ee/xml/ns/jakartaee");
    }

    @Test
    void elementsOfOtherNamespacesAndUnknownElementsAreSkipped() throws Exception {
        WebAppModel model = deploy("""
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" xmlns:v="http://vendor.example/ext" version="6.1">
                  <v:servlet><v:servlet-name>vendor</v:servlet-name></v:servlet>
                  <future-element>whatever</future-element>
                  <display-name>kept</display-name>
                </web-app>""");
        assertEquals("kept", model.displayName());
        assertEquals(List.of(), model.servlets());
    }

    @Test
    void anOversizedDescriptorIsRefused() throws IOException {
        Path app = dir.resolve("app");
        Files.createDirectories(app.resolve("WEB-INF"));
        Files.writeString(app.resolve("WEB-INF/web.xml"), "<web-app>" + " ".repeat(2000) + "</web-app>");
        WebAppDeployer small = new WebAppDeployer(new WebAppDeployer.Limits(1 << 20, 100, 1 << 20, 1000));
        AppLoadException e = assertThrows(AppLoadException.class, () -> small.deploy("x", "", app, dir.resolve("s")));
        assertContains(e.getMessage(), webXmlPath(), "larger than 1000 bytes");
    }
}
