package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.apps.EchoServlet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static dev.malt.server.servlet.Hosts.echo;
import static dev.malt.server.servlet.TestExchange.nginx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gateway vars to request properties, through a real servlet loaded by ServletHost. */
class RequestMappingTest {

    private static ServletHost root;
    private static ServletHost shop;

    @BeforeAll
    static void start() {
        root = Hosts.start(EchoServlet.class, "");
        shop = Hosts.start(EchoServlet.class, "/shop");
    }

    @AfterAll
    static void stop() {
        root.close();
        shop.close();
    }

    /** Capture 1 of the fixtures: nginx 1.22.1 with Debian's uwsgi_params, duplicate headers. */
    @Test
    void nginxCapture() {
        UwsgiVars vars = UwsgiVars.builder()
                .add("QUERY_STRING", "a=1&b=%C3%A9")
                .add("REQUEST_METHOD", "GET")
                .add("CONTENT_TYPE", "")
                .add("CONTENT_LENGTH", "")
                .add("REQUEST_URI", "/app/path%20x/?a=1&b=%C3%A9")
                .add("PATH_INFO", "/app/path x/")
                .add("DOCUMENT_ROOT", "/srv/www/html")
                .add("SERVER_PROTOCOL", "HTTP/1.1")
                .add("REQUEST_SCHEME", "http")
                .add("REMOTE_ADDR", "127.0.0.1")
                .add("REMOTE_PORT", "56358")
                .add("SERVER_PORT", "18080")
                .add("SERVER_NAME", "localhost")
                .add("HTTP_HOST", "127.0.0.1")
                .add("HTTP_USER_AGENT", "curl/7.88.1")
                .add("HTTP_ACCEPT", "*/*")
                .add("HTTP_X_FOO", "bar")
                .add("HTTP_X_FOO", "baz")
                .add("HTTP_COOKIE", "a=1")
                .add("HTTP_COOKIE", "b=2")
                .add("HTTP_AUTHORIZATION", "Basic Zm9vOmJhcg==")
                .build();
        Map<String, String> r = echo(root, new TestExchange(vars, new byte[0]));

        assertEquals("GET", r.get("method"));
        assertEquals("/app/path%20x/", r.get("requestURI"));
        assertEquals("a=1&b=%C3%A9", r.get("queryString"));
        assertEquals("", r.get("contextPath"));
        assertEquals("", r.get("servletPath"));
        assertEquals("/app/path x/", r.get("pathInfo"));
        assertEquals("1", r.get("param:a"));
        assertEquals("\u00e9", r.get("param:b"));
        assertEquals("127.0.0.1", r.get("serverName")); // Host wins over SERVER_NAME
        assertEquals("18080", r.get("serverPort"));     // nginx drops Host's port: the port it accepted on
        assertEquals("http://127.0.0.1:18080/app/path%20x/", r.get("requestURL"));
        assertEquals("localhost", r.get("localName"));
        assertEquals("18080", r.get("localPort"));
        assertEquals("0.0.0.0", r.get("localAddr"));    // nginx sends no SERVER_ADDR
        assertEquals("127.0.0.1", r.get("remoteAddr"));
        assertEquals("127.0.0.1", r.get("remoteHost"));
        assertEquals("56358", r.get("remotePort"));
        assertEquals("HTTP/1.1", r.get("protocol"));
        assertEquals("bar|baz", r.get("header:X-Foo"));
        assertEquals("a=1; b=2", r.get("header:Cookie"));
        assertEquals("2", r.get("cookieCount"));
        assertEquals("1", r.get("cookie:a"));
        assertEquals("2", r.get("cookie:b"));
        assertEquals("Basic Zm9vOmJhcg==", r.get("header:Authorization"));
        assertEquals("curl/7.88.1", r.get("header:User-Agent"));
        assertEquals("null", r.get("contentType"));
        assertEquals("-1", r.get("contentLength"));
        assertFalse(r.containsKey("header:Content-Type"));
        assertFalse(r.containsKey("header:Document-Root"));
        assertEquals("REQUEST", r.get("dispatcherType"));
        assertEquals("PATH /* 'app/path x/' test", r.get("mapping"));
        assertEquals("true", r.get("requestIdPresent"));
        assertEquals("''", r.get("protocolRequestId"));
        assertEquals("conn-7 uwsgi false", r.get("connection"));
        assertEquals("null", r.get("session"));
    }

    /** Capture 8: Apache mod_proxy_uwsgi, which merges repeated headers itself and sends SERVER_ADDR. */
    @Test
    void apacheCapture() {
        UwsgiVars vars = UwsgiVars.builder()
                .add("PATH_INFO", "/app/path x/")
                .add("HTTP_HOST", "127.0.0.1:18081")
                .add("HTTP_X_FOO", "bar, baz")
                .add("HTTP_COOKIE", "a=1")
                .add("SERVER_NAME", "127.0.0.1")
                .add("SERVER_ADDR", "127.0.0.1")
                .add("SERVER_PORT", "18081")
                .add("REMOTE_ADDR", "127.0.0.1")
                .add("REQUEST_SCHEME", "http")
                .add("REMOTE_PORT", "34954")
                .add("GATEWAY_INTERFACE", "CGI/1.1")
                .add("SERVER_PROTOCOL", "HTTP/1.1")
                .add("REQUEST_METHOD", "GET")
                .add("QUERY_STRING", "a=1&b=%C3%A9")
                .add("REQUEST_URI", "/app/path%20x/?a=1&b=%C3%A9")
                .add("SCRIPT_NAME", "")
                .build();
        Map<String, String> r = echo(root, new TestExchange(vars, new byte[0]));
        assertEquals("/app/path x/", r.get("pathInfo"));
        assertEquals("127.0.0.1", r.get("serverName"));
        assertEquals("18081", r.get("serverPort"));
        assertEquals("http://127.0.0.1:18081/app/path%20x/", r.get("requestURL"));
        assertEquals("127.0.0.1", r.get("localAddr"));
        assertEquals("bar, baz", r.get("header:X-Foo"));
        assertEquals("\u00e9", r.get("param:b"));
    }

    @Test
    void percentEncodedNonAsciiPathFromRequestUri() {
        // no PATH_INFO: the path comes from REQUEST_URI, decoded as UTF-8
        UwsgiVars.Builder vars = UwsgiVars.builder()
                .add("REQUEST_METHOD", "GET")
                .add("REQUEST_URI", "/shop/caf%C3%A9/%E2%82%AC;jsessionid=x/./a/../b?x=%E2%82%AC")
                .add("SERVER_NAME", "example.org")
                .add("SERVER_PORT", "80");
        Map<String, String> r = echo(shop, TestExchange.of(vars));
        assertEquals("/shop", r.get("contextPath"));
        assertEquals("", r.get("servletPath"));
        assertEquals("/caf\u00e9/\u20ac/b", r.get("pathInfo"));
        assertEquals("/shop/caf%C3%A9/%E2%82%AC;jsessionid=x/./a/../b", r.get("requestURI"));
        assertEquals("\u20ac", r.get("param:x"));
        assertEquals("http://example.org/shop/caf%C3%A9/%E2%82%AC;jsessionid=x/./a/../b", r.get("requestURL"));
    }

    @Test
    void percentEncodedNonAsciiPathFromNginxPathInfo() {
        // nginx decodes $document_uri to raw UTF-8 bytes; they must not be read as ISO-8859-1
        Map<String, String> r = echo(shop, TestExchange.of(nginx("GET", "/shop/caf%C3%A9")));
        assertEquals("/caf\u00e9", r.get("pathInfo"));
        assertEquals("/shop/caf%C3%A9", r.get("requestURI"));
    }

    @Test
    void contextPathIsStrippedFromPathInfo() {
        assertEquals("/items/7", echo(shop, TestExchange.of(nginx("GET", "/shop/items/7"))).get("pathInfo"));
        assertEquals("/", echo(shop, TestExchange.of(nginx("GET", "/shop/"))).get("pathInfo"));
        TestExchange bare = TestExchange.of(nginx("GET", "/shop?x=1"));
        shop.handle(bare);
        assertEquals(302, bare.channel.status, "the context root without its slash redirects, as in Tomcat");
        assertEquals("http://example.org:18080/shop/?x=1", bare.channel.header("Location"));
        assertEquals("PATH /* '' test", echo(shop, TestExchange.of(nginx("GET", "/shop/"))).get("mapping"));
        // "/shopping" is not below "/shop"
        assertEquals("/shopping", echo(shop, TestExchange.of(nginx("GET", "/shopping"))).get("pathInfo"));
    }

    @Test
    void frontendThatAlreadyStrippedTheContextPath() {
        UwsgiVars.Builder vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", "/shop/cart")
                .add("SCRIPT_NAME", "/shop").add("PATH_INFO", "/cart").add("SERVER_NAME", "h").add("SERVER_PORT", "80");
        assertEquals("/cart", echo(shop, TestExchange.of(vars)).get("pathInfo"));
    }

    @Test
    void repeatedHeadersStayMultiValued() {
        UwsgiVars.Builder vars = nginx("GET", "/")
                .add("HTTP_ACCEPT_LANGUAGE", "de-CH, fr;q=0.4")
                .add("HTTP_ACCEPT_LANGUAGE", "en;q=0.8")
                .add("HTTP_X_FORWARDED_FOR", "10.0.0.1")
                .add("HTTP_X_FORWARDED_FOR", "10.0.0.2");
        Map<String, String> r = echo(root, TestExchange.of(vars));
        assertEquals("10.0.0.1|10.0.0.2", r.get("header:X-Forwarded-For"));
        assertEquals("de-CH", r.get("locale"));
        assertEquals("de-CH,en,fr", r.get("locales"));
    }

    @Test
    void twoCookieVarsBecomeOneCookieHeader() {
        UwsgiVars.Builder vars = nginx("GET", "/")
                .add("HTTP_COOKIE", "a=1; quoted=\"x y\"")
                .add("HTTP_COOKIE", "$Version=1; b=2; bad name=3; =4; c")
                .add("HTTP_USER_AGENT", "t");
        Map<String, String> r = echo(root, TestExchange.of(vars));
        assertEquals("a=1; quoted=\"x y\"; $Version=1; b=2; bad name=3; =4; c", r.get("header:Cookie"));
        assertEquals("3", r.get("cookieCount"));
        assertEquals("1", r.get("cookie:a"));
        assertEquals("\"x y\"", r.get("cookie:quoted"), "Servlet 6.1: the quotes are part of the value");
        assertEquals("2", r.get("cookie:b"));
        // Cookie keeps the position of the first var, before User-Agent
        String text = String.join(",", r.keySet());
        assertTrue(text.indexOf("header:Cookie") < text.indexOf("header:User-Agent"), text);
    }

    @Test
    void contentTypeAndLengthVarsAreNotDoubledByNginxCopies() {
        UwsgiVars.Builder vars = UwsgiVars.builder()
                .add("REQUEST_METHOD", "POST")
                .add("CONTENT_TYPE", "application/x-www-form-urlencoded")
                .add("CONTENT_LENGTH", "11")
                .add("REQUEST_URI", "/post")
                .add("SERVER_NAME", "h")
                .add("HTTP_CONTENT_LENGTH", "11")
                .add("HTTP_CONTENT_TYPE", "application/x-www-form-urlencoded");
        Map<String, String> r = echo(root, TestExchange.of(vars, "hello=world"));
        assertEquals("application/x-www-form-urlencoded", r.get("header:Content-Type"));
        assertEquals("11", r.get("header:Content-Length"));
        assertEquals("application/x-www-form-urlencoded", r.get("contentType"));
        assertEquals("11", r.get("contentLength"));
        assertEquals("world", r.get("param:hello"));
    }

    @Test
    void httpContentTypeIsUsedWhenTheVarIsMissing() {
        UwsgiVars.Builder vars = UwsgiVars.builder()
                .add("REQUEST_METHOD", "POST")
                .add("REQUEST_URI", "/p")
                .add("HTTP_CONTENT_TYPE", "text/plain; charset=windows-1252");
        Map<String, String> r = echo(root, TestExchange.of(vars));
        assertEquals("text/plain; charset=windows-1252", r.get("contentType"));
        assertEquals("windows-1252", r.get("characterEncoding"));
        assertEquals("text/plain; charset=windows-1252", r.get("header:Content-Type"));
    }

    @Test
    void httpsOnMakesTheRequestSecure() {
        UwsgiVars.Builder vars = nginx("GET", "/x").add("HTTPS", "on");
        Map<String, String> r = echo(root, TestExchange.of(vars));
        assertEquals("https", r.get("scheme"));
        assertEquals("true", r.get("secure"));
        assertEquals("18080", r.get("serverPort"));
        assertEquals("https://example.org:18080/x", r.get("requestURL"));
        assertEquals("https", echo(root, TestExchange.of(nginx("GET", "/x").add("HTTPS", "1"))).get("scheme"));
        assertEquals("http", echo(root, TestExchange.of(nginx("GET", "/x").add("HTTPS", "off"))).get("scheme"));
    }

    @Test
    void uwsgiSchemeWinsOverEverythingElse() {
        UwsgiVars.Builder vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", "/")
                .add("REQUEST_SCHEME", "http").add("HTTPS", "off").add("UWSGI_SCHEME", "https")
                .add("HTTP_HOST", "shop.example");
        Map<String, String> r = echo(root, TestExchange.of(vars));
        assertEquals("https", r.get("scheme"));
        assertEquals("true", r.get("secure"));
        assertEquals("443", r.get("serverPort"));
        assertEquals("https://shop.example/", r.get("requestURL"));
    }

    @Test
    void requestSchemeAloneSetsTheScheme() {
        UwsgiVars.Builder vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", "/")
                .add("REQUEST_SCHEME", "https").add("SERVER_NAME", "a.example").add("SERVER_PORT", "8443");
        Map<String, String> r = echo(root, TestExchange.of(vars));
        assertEquals("https", r.get("scheme"));
        assertEquals("true", r.get("secure"));
        assertEquals("a.example", r.get("serverName")); // no Host: SERVER_NAME / SERVER_PORT
        assertEquals("8443", r.get("serverPort"));
        assertEquals("https://a.example:8443/", r.get("requestURL"));
    }

    @Test
    void otherUwsgiMagicVarsAreIgnored() {
        String before = System.getenv("MALT_INJECTED");
        java.nio.file.Path workingDir = java.nio.file.Path.of("").toAbsolutePath();
        UwsgiVars.Builder vars = nginx("GET", "/x")
                .add("UWSGI_SETENV", "MALT_INJECTED=1")
                .add("UWSGI_SETENV", "HTTPS=on")
                .add("UWSGI_CHDIR", "/tmp")
                .add("UWSGI_SCRIPT", "evil")
                .add("UWSGI_SCHEME", "not a scheme!");
        Map<String, String> r = echo(root, TestExchange.of(vars));
        assertEquals("http", r.get("scheme"));
        assertEquals("false", r.get("secure"));
        assertEquals(before, System.getenv("MALT_INJECTED"));
        assertEquals(workingDir, java.nio.file.Path.of("").toAbsolutePath());
        assertFalse(r.keySet().stream().anyMatch(k -> k.toLowerCase().contains("uwsgi")), r.keySet().toString());
    }

    @Test
    void ipv6HostHeader() {
        Map<String, String> r = echo(root, TestExchange.of(nginx("GET", "/v6").add("HTTP_HOST", "[::1]:8080")));
        // HTTP_HOST added twice: the first Host header wins
        assertEquals("example.org", r.get("serverName"));
        UwsgiVars.Builder vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", "/v6")
                .add("HTTP_HOST", "[::1]:8080");
        r = echo(root, TestExchange.of(vars));
        assertEquals("[::1]", r.get("serverName"));
        assertEquals("8080", r.get("serverPort"));
        assertEquals("http://[::1]:8080/v6", r.get("requestURL"));
    }

    @Test
    void remoteUserFromTheFrontend() {
        Map<String, String> r = echo(root, TestExchange.of(nginx("GET", "/").add("REMOTE_USER", "alice")
                .add("AUTH_TYPE", "Basic")));
        assertEquals("alice", r.get("remoteUser"));
        assertEquals("Basic", r.get("authType"));
        assertEquals("null", echo(root, TestExchange.of(nginx("GET", "/"))).get("remoteUser"));
    }

    @Test
    void queryParametersKeepOrderAndRepeats() {
        Map<String, String> r = echo(root, TestExchange.of(nginx("GET", "/?b=2&a=1&b=3&empty=&flag&sp=a+b%20c&bad=%zz")));
        assertEquals("2|3", r.get("param:b"));
        assertEquals("", r.get("param:empty"));
        assertEquals("", r.get("param:flag"));
        assertEquals("a b c", r.get("param:sp"));
        assertEquals("%zz", r.get("param:bad"));
        assertEquals("b,a,empty,flag,sp,bad", r.get("parameterNames"));
    }

    @Test
    void defaultsWhenTheFrontendSendsLittle() {
        UwsgiVars.Builder vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", "/");
        Map<String, String> r = echo(root, TestExchange.of(vars));
        assertEquals("HTTP/1.0", r.get("protocol"));
        assertEquals("http", r.get("scheme"));
        assertEquals("null", r.get("queryString"));
        assertEquals("null", r.get("characterEncoding"));
        assertEquals("0", r.get("cookieCount"));
    }

    @Test
    void malformedPathsAreRejectedWith400BeforeTheServlet() {
        for (String uri : new String[] {"/a/%2F/b", "/a/%zz", "/../etc/passwd", "/a/%00", "/%C3%28"}) {
            UwsgiVars.Builder vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", uri);
            TestExchange exchange = TestExchange.of(vars);
            root.handle(exchange);
            assertEquals(400, exchange.channel.status, uri);
            assertTrue(exchange.channel.finished, uri);
            assertTrue(exchange.channel.bodyText().contains("400 Bad Request"), uri);
        }
        // the same via nginx's decoded PATH_INFO
        UwsgiVars.Builder vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET").add("REQUEST_URI", "/x")
                .add("PATH_INFO", new byte[] {'/', (byte) 0xC3, '('});
        TestExchange exchange = TestExchange.of(vars);
        root.handle(exchange);
        assertEquals(400, exchange.channel.status);
    }

    @Test
    void rawBytesInHeadersAreIso88591() {
        UwsgiVars.Builder vars = nginx("GET", "/").add("HTTP_X_BIN", new byte[] {(byte) 0xFF, (byte) 0xFE});
        Map<String, String> r = echo(root, TestExchange.of(vars));
        assertEquals(new String(new byte[] {(byte) 0xFF, (byte) 0xFE}, StandardCharsets.ISO_8859_1),
                r.get("header:X-Bin"));
    }

    @Test
    void withoutRequestUriTheUriIsRebuiltEncoded() {
        UwsgiVars.Builder vars = UwsgiVars.builder().add("REQUEST_METHOD", "GET")
                .add("SCRIPT_NAME", "/shop").add("PATH_INFO", "/caf\u00e9 x?".getBytes(StandardCharsets.UTF_8));
        Map<String, String> r = echo(shop, TestExchange.of(vars));
        assertEquals("/shop/caf%C3%A9%20x%3F", r.get("requestURI"));
        assertEquals("/caf\u00e9 x?", r.get("pathInfo"));
    }

    @Test
    void emptyHeaderValueIsKept() {
        assertEquals("", echo(root, TestExchange.of(nginx("GET", "/").add("HTTP_X_EMPTY", ""))).get("header:X-Empty"));
        assertNull(echo(root, TestExchange.of(nginx("GET", "/"))).get("header:X-Empty"));
    }
}
