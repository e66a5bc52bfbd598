package dev.malt.integration.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what the tests run: the built Malt distribution, the sample jar, nginx and Apache. A missing
 * piece fails the test with a message that says how to get it; nothing is skipped.
 */
public final class Tools {

    static final String HOW_TO_INSTALL = "run ./run-tests from the repository root as root (it installs what the tests need), "
            + "or install it yourself: apt-get install -y nginx apache2 wrk redis-server prometheus tmux";

    private Tools() {
    }

    /** The repository root ({@code malt.repo.root}, set by the integration pom). */
    public static Path repoRoot() {
        return Path.of(property("malt.repo.root")).toAbsolutePath().normalize();
    }

    /** {@code $MALT_HOME/bin/malt} of the built distribution. */
    public static Path maltCommand() {
        Path home = Path.of(property("malt.home")).toAbsolutePath().normalize();
        Path malt = home.resolve("bin/malt");
        if (!Files.isRegularFile(malt) || !Files.isExecutable(malt)) {
            throw new AssertionError("The Malt distribution is not built: " + malt + " is missing or not executable. "
                    + "Build it first: mvn -B -DskipTests package (./run-tests runs mvn verify, which does).");
        }
        return malt;
    }

    /** The jar with HelloServlet and ProbeServlet. */
    public static Path samplesJar() {
        Path jar = Path.of(property("malt.samples.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("The sample servlets are not built: " + jar + " is missing. "
                    + "Build them first: mvn -B -DskipTests package (./run-tests does).");
        }
        return jar;
    }

    /**
     * A WAR the tests deploy, by its short name in the integration pom ({@code malt.war.NAME}): the sample
     * WARs built from {@code webapps/} ({@code spring-mvc}, {@code jersey}, {@code jsp}) and third-party
     * WARs from Maven Central ({@code jetty-demo-jsp}, {@code hawtio}).
     */
    public static Path war(String name) {
        Path war = Path.of(property("malt.war." + name)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(war)) {
            throw new AssertionError("The WAR '" + name + "' is not there: " + war + " is missing. "
                    + "Build it first: mvn -B -DskipTests package (./run-tests runs mvn verify, which does).");
        }
        return war;
    }

    /** wrk, for the load that reload and fault tests run under. */
    public static Path wrk() {
        return find("wrk", "wrk not found", "wrk");
    }

    /** Debian's {@code prometheus}, which the metrics test runs on its own loopback port (never the system service). */
    public static Path prometheus() {
        return find("prometheus", "prometheus not found", "prometheus");
    }

    /** {@code tmux}: the real terminal that {@code malt top} is tested in. */
    public static Path tmux() {
        return find("tmux", "tmux not found", "tmux");
    }

    public static Path nginx() {
        return find("nginx", "nginx not found", "nginx");
    }

    /** {@code redis-server}, which the tests start on their own loopback ports (never the system service). */
    public static Path redisServer() {
        return find("redis-server", "redis-server not found", "redis-server");
    }

    /** Debian's {@code /etc/nginx/uwsgi_params}, the file an operator's {@code include uwsgi_params;} reads. */
    public static Path nginxUwsgiParams() {
        Path params = Path.of(System.getProperty("malt.nginx.uwsgi_params", "/etc/nginx/uwsgi_params"));
        if (!Files.isRegularFile(params)) {
            throw new AssertionError(params + " not found (it ships in nginx-common): " + HOW_TO_INSTALL);
        }
        return params;
    }

    /** The Apache binary: Debian's {@code apache2}, or {@code httpd} elsewhere. */
    public static Path apache() {
        return find("apache2", "Apache not found", "apache2", "httpd");
    }

    /** The directory holding {@code mod_proxy_uwsgi.so} and the other modules the tests load. */
    public static Path apacheModules() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("malt.apache.modules");
        if (configured != null) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("/usr/lib/apache2/modules"));
        candidates.add(Path.of("/usr/lib64/httpd/modules"));
        candidates.add(Path.of("/usr/libexec/apache2"));
        for (Path dir : candidates) {
            if (Files.isRegularFile(dir.resolve("mod_proxy_uwsgi.so"))) {
                return dir;
            }
        }
        throw new AssertionError("Apache's mod_proxy_uwsgi.so not found in " + candidates
                + " (on Debian 12 it ships in apache2-bin): " + HOW_TO_INSTALL);
    }

    /** Whether this JVM runs as root: then nginx and Apache serve as www-data, as a packaged install would. */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path find(String what, String missing, String... names) {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                dirs.add(Path.of(dir));
            }
        }
        dirs.add(Path.of("/usr/sbin"));
        dirs.add(Path.of("/sbin"));
        dirs.add(Path.of("/usr/local/sbin"));
        for (String name : names) {
            for (Path dir : dirs) {
                Path candidate = dir.resolve(name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new AssertionError(missing + " (looked for " + String.join(", ", names) + " in PATH and /usr/sbin): "
                + HOW_TO_INSTALL);
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new AssertionError("System property " + name + " is not set: run the tests through Maven "
                    + "(mvn -B verify, or ./run-tests), which sets it in integration/pom.xml.");
        }
        return value;
    }
}
