package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.core.DispatchEchoServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.malt.server.servlet.TestWebApp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Which servlet a path reaches, and what the path getters and {@code getHttpServletMapping} say there
 * (Servlet 6.1 chapter 12, and the {@code HttpServletMapping} javadoc's table).
 */
class MappingTest {

    @TempDir
    static Path webRoot;
    private static ServletHost host;

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(webRoot.resolve("static"));
        Files.writeString(webRoot.resolve("static/index.html"), "static welcome");
        Files.createDirectories(webRoot.resolve("ext"));
        Files.writeString(webRoot.resolve("ext/index.do"), "never served as a file");
        Files.createDirectories(webRoot.resolve("noext"));
        Files.createDirectories(webRoot.resolve("empty"));
        host = TestWebApp.at("/ctx")
                .webRoot(webRoot)
                .servlet("exact", DispatchEchoServlet.class, "/foo/bar", "/exact")
                .servlet("prefix", DispatchEchoServlet.class, "/foo/*")
                .servlet("longerPrefix", DispatchEchoServlet.class, "/foo/bar/*")
                .servlet("extension", DispatchEchoServlet.class, "*.do")
                .servlet("root", DispatchEchoServlet.class, "")
                .servlet("appDefault", DispatchEchoServlet.class, "/")
                .servlet("welcomeExact", DispatchEchoServlet.class, "/w/home")
                .servlet("welcomePrefix", DispatchEchoServlet.class, "/p/home/*")
                .welcomeFiles("home", "index.do", "index.html")
                .start();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static Map<String, String> echo(String uri) {
        RecordingChannel c = get(host, uri);
        assertEquals(200, c.status, c.bodyText());
        return Hosts.lines(c.bodyText());
    }

    private static void assertMapped(String uri, String servlet, String servletPath, String pathInfo, String mapping) {
        Map<String, String> e = echo(uri);
        assertEquals(servlet, e.get("name"), uri);
        assertEquals(servletPath, e.get("servletPath"), uri + " servletPath");
        assertEquals(String.valueOf(pathInfo), e.get("pathInfo"), uri + " pathInfo");
        assertEquals(mapping + "|" + servlet, e.get("mapping"), uri + " mapping");
    }

    // 12.1 step 1: an exact match wins over every prefix
    @Test
    void exactMatch() {
        assertMapped("/ctx/foo/bar", "exact", "/foo/bar", null, "EXACT|foo/bar|/foo/bar");
        assertMapped("/ctx/exact", "exact", "/exact", null, "EXACT|exact|/exact");
    }

    // 12.1 step 2: the longest path prefix wins; path info is the rest
    @Test
    void longestPrefixMatch() {
        assertMapped("/ctx/foo/bar/baz", "longerPrefix", "/foo/bar", "/baz", "PATH|baz|/foo/bar/*");
        assertMapped("/ctx/foo/other/x", "prefix", "/foo", "/other/x", "PATH|other/x|/foo/*");
        assertMapped("/ctx/foo", "prefix", "/foo", null, "PATH||/foo/*");
        assertMapped("/ctx/foo/", "prefix", "/foo", "/", "PATH||/foo/*");
        // a prefix matches whole segments only
        assertMapped("/ctx/foobar", "appDefault", "/foobar", null, "DEFAULT||/");
    }

    // 12.1 step 3: extension only when no prefix matched; the match value is the path without the extension
    @Test
    void extensionMatch() {
        assertMapped("/ctx/a/b.do", "extension", "/a/b.do", null, "EXTENSION|a/b|*.do");
        assertMapped("/ctx/foo/b.do", "prefix", "/foo", "/b.do", "PATH|b.do|/foo/*");
        // the dot must be in the last segment
        assertMapped("/ctx/a.do/b", "appDefault", "/a.do/b", null, "DEFAULT||/");
    }

    // 12.2: "" maps the context root exactly: servlet path "", path info "/"
    @Test
    void contextRoot() {
        assertMapped("/ctx/", "root", "", "/", "CONTEXT_ROOT||");
    }

    // 12.1 step 4 and 12.2: "/" is the app's default servlet; the servlet path is the whole path
    @Test
    void defaultServlet() {
        assertMapped("/ctx/nothing/here", "appDefault", "/nothing/here", null, "DEFAULT||/");
    }

    // 12.2: a request for the context path without '/' is redirected to the context root
    @Test
    void contextPathWithoutSlashRedirects() {
        RecordingChannel c = get(host, "/ctx?q=1");
        assertEquals(302, c.status);
        assertEquals("http://example.org:18080/ctx/?q=1", c.header("Location"));
    }

    // 10.10: an exact (or prefix) mapping of a welcome file wins even when no such file exists
    @Test
    void welcomeFileMappedExactlyWinsWithoutAResource() {
        assertMapped("/ctx/w/", "welcomeExact", "/w/home", null, "EXACT|w/home|/w/home");
        assertMapped("/ctx/p/", "welcomePrefix", "/p/home", null, "PATH||/p/home/*");
    }

    // 10.10: an extension mapping of a welcome file counts only when the resource exists
    @Test
    void welcomeFileByExtensionNeedsTheResource() {
        assertMapped("/ctx/ext/", "extension", "/ext/index.do", null, "EXTENSION|ext/index|*.do");
        // /noext/index.do does not exist, nor index.html: the directory itself goes to the default servlet
        assertMapped("/ctx/noext/", "appDefault", "/noext/", null, "DEFAULT||/");
    }

    // 10.10: a welcome file that exists as a static file goes to the default servlet with its full path
    @Test
    void welcomeFileServedByTheDefaultServlet() {
        assertMapped("/ctx/static/", "appDefault", "/static/index.html", null, "DEFAULT||/");
    }

    // 12.2: "/*" takes every path, including the context root; its servlet path is ""
    @Test
    void slashStarTakesEverything() {
        try (ServletHost all = TestWebApp.at("").servlet("all", DispatchEchoServlet.class, "/*")
                .servlet("ext", DispatchEchoServlet.class, "*.jsp").start()) {
            Map<String, String> root = Hosts.lines(get(all, "/").bodyText());
            assertEquals("all", root.get("name"));
            assertEquals("", root.get("servletPath"));
            assertEquals("/", root.get("pathInfo"));
            assertEquals("PATH||/*|all", root.get("mapping"));
            Map<String, String> page = Hosts.lines(get(all, "/a/b.jsp").bodyText());
            assertEquals("all", page.get("name")); // a prefix beats an extension
            assertEquals("/a/b.jsp", page.get("pathInfo"));
            assertEquals("PATH|a/b.jsp|/*|all", page.get("mapping"));
        }
    }

    // 12.2 with the container's default servlet: a root context's paths
    @Test
    void rootContextPaths() {
        try (ServletHost root = TestWebApp.at("").servlet("s", DispatchEchoServlet.class, "/s/*").start()) {
            Map<String, String> e = Hosts.lines(get(root, "/s/x?a=1").bodyText());
            assertEquals("", e.get("contextPath"));
            assertEquals("/s/x", e.get("requestURI"));
            assertEquals("/s", e.get("servletPath"));
            assertEquals("/x", e.get("pathInfo"));
            assertEquals("a=1", e.get("queryString"));
        }
    }

    // 3.5: path getters are decoded; the request URI is not
    @Test
    void pathsAreDecodedButTheRequestUriIsNot() {
        Map<String, String> e = echo("/ctx/foo/a%20b/%C3%A9");
        assertEquals("/ctx/foo/a%20b/%C3%A9", e.get("requestURI"));
        assertEquals("/a b/\u00e9", e.get("pathInfo"));
        assertNull(e.get("missing"));
    }
}
