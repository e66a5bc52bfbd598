package dev.malt.server.servlet;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.auth.UserFiles;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.codec.digest.Md5Crypt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Users as an operator makes them ({@code htpasswd -B}, {@code -m}, {@code -s}; a group file) and
 * requests as nginx sends them, with the headers a browser adds.
 */
final class SecurityFixtures {

    static final String ALICE_PASSWORD = "wonder land";
    static final String BOB_PASSWORD = "bob-pw";
    static final String CAROL_PASSWORD = "c4rol";

    private SecurityFixtures() {
    }

    /** alice: Administrator and Manager (bcrypt); bob: Manager (Apache MD5); carol: no role ({SHA}). */
    static UserFiles users(Path dir) {
        try {
            Path users = Files.writeString(dir.resolve("shop.htpasswd"),
                    "alice:" + BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, ALICE_PASSWORD.toCharArray())
                            + "\nbob:" + Md5Crypt.apr1Crypt(BOB_PASSWORD.getBytes(StandardCharsets.UTF_8))
                            + "\ncarol:{SHA}" + Base64.getEncoder().encodeToString(
                            DigestUtils.sha1(CAROL_PASSWORD.getBytes(StandardCharsets.UTF_8))) + "\n");
            Path groups = Files.writeString(dir.resolve("shop.groups"),
                    "Administrator: alice frank\nManager: alice bob\n");
            return new UserFiles(users, groups);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ExecutorService executor() {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "security-test");
            t.setDaemon(true);
            return t;
        });
    }

    static ServletHost start(HostSpec spec, ExecutorService executor) {
        try {
            return ServletHost.start(spec, executor);
        } catch (AppLoadException e) {
            throw new AssertionError("app did not start: " + e.getMessage(), e);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A request: {@code headers} are pairs of uwsgi var names ({@code HTTP_COOKIE}) and values. */
    static TestExchange request(String method, String uri, String... headers) {
        return request(method, uri, null, headers);
    }

    /** A POST of an urlencoded form. */
    static TestExchange post(String uri, String form, String... headers) {
        return request("POST", uri, form, headers);
    }

    private static TestExchange request(String method, String uri, String form, String... headers) {
        int mark = uri.indexOf('?');
        String path = mark < 0 ? uri : uri.substring(0, mark);
        byte[] body = form == null ? new byte[0] : form.getBytes(StandardCharsets.UTF_8);
        UwsgiVars.Builder vars = UwsgiVars.builder()
                .add("QUERY_STRING", mark < 0 ? "" : uri.substring(mark + 1))
                .add("REQUEST_METHOD", method)
                .add("CONTENT_TYPE", form == null ? "" : "application/x-www-form-urlencoded")
                .add("CONTENT_LENGTH", form == null ? "" : Integer.toString(body.length))
                .add("REQUEST_URI", uri)
                .add("PATH_INFO", TestExchange.percentDecode(path))
                .add("SERVER_PROTOCOL", "HTTP/1.1")
                .add("REQUEST_SCHEME", "http")
                .add("REMOTE_ADDR", "192.0.2.7")
                .add("REMOTE_PORT", "56358")
                .add("SERVER_PORT", "18080")
                .add("SERVER_NAME", "localhost")
                .add("HTTP_HOST", "example.org:18080");
        for (int i = 0; i < headers.length; i += 2) {
            vars.add(headers[i], headers[i + 1]);
        }
        return new TestExchange(vars.build(), body);
    }

    static TestExchange run(ServletHost host, TestExchange exchange) {
        host.handle(exchange);
        return exchange;
    }

    /** The JSESSIONID the response set, or null. */
    static String sessionCookie(TestExchange exchange) {
        List<String> cookies = exchange.channel.headers("Set-Cookie");
        for (String cookie : cookies) {
            if (cookie.startsWith("JSESSIONID=")) {
                int end = cookie.indexOf(';');
                return cookie.substring("JSESSIONID=".length(), end < 0 ? cookie.length() : end);
            }
        }
        return null;
    }
}
