package dev.malt.integration.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Our own Apache httpd, never the system service: a config generated into a scratch directory, a free
 * port on 127.0.0.1, modules loaded explicitly, and the shipped {@code packaging/apache/malt-uwsgi.conf}
 * included with {@code MALT_UPSTREAM} defined, as an operator would.
 *
 * <p>Run as root, Apache serves as {@code www-data} (it refuses to serve as root), so a unix socket to
 * Malt must be reachable by that user.
 */
public final class Apache implements Frontend {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** Modules the tests need beyond those built in; built-in ones are skipped. */
    private static final List<String[]> MODULES = List.of(
            new String[] {"mpm_event_module", "mod_mpm_event.so"},
            new String[] {"unixd_module", "mod_unixd.so"},
            new String[] {"log_config_module", "mod_log_config.so"},
            new String[] {"authz_core_module", "mod_authz_core.so"},
            new String[] {"env_module", "mod_env.so"},
            new String[] {"headers_module", "mod_headers.so"},
            new String[] {"proxy_module", "mod_proxy.so"},
            new String[] {"proxy_uwsgi_module", "mod_proxy_uwsgi.so"});

    private final Endpoint endpoint;
    private final Endpoint upstream;
    private final Path dir;
    private final LoggedProcess process;

    private Apache(Builder b, Endpoint endpoint, Path dir, LoggedProcess process) {
        this.endpoint = endpoint;
        this.upstream = b.upstream;
        this.dir = dir;
        this.process = process;
    }

    /** Apache proxying to a Malt uwsgi socket (TCP or unix) with mod_proxy_uwsgi. */
    public static Builder to(Endpoint upstream) {
        return new Builder(upstream);
    }

    /** The shipped snippet the generated config includes. */
    public static Path snippet() {
        Path snippet = Tools.repoRoot().resolve("packaging/apache/malt-uwsgi.conf");
        if (!Files.isRegularFile(snippet)) {
            throw new AssertionError("the Apache snippet " + snippet + " is missing");
        }
        return snippet;
    }

    @Override
    public String name() {
        return "apache";
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public Endpoint upstream() {
        return upstream;
    }

    @Override
    public LoggedProcess process() {
        return process;
    }

    /** The generated httpd.conf. */
    public Path config() {
        return dir.resolve("httpd.conf");
    }

    @Override
    public void close() {
        try {
            process.close();
        } finally {
            TempDirs.deleteQuietly(dir);
        }
    }

    @Override
    public String toString() {
        return "apache on " + endpoint + " -> " + upstream;
    }

    /** Extra directives for the virtual host, before the snippet's ProxyPass. */
    public static final class Builder {
        private final Endpoint upstream;
        private final List<String> vhost = new ArrayList<>();
        private final List<String[]> extraModules = new ArrayList<>();

        private Builder(Endpoint upstream) {
            this.upstream = upstream;
        }

        /** A directive for the virtual host, e.g. {@code SetEnv UWSGI_SCHEME https}. */
        public Builder vhost(String directive) {
            vhost.add(directive);
            return this;
        }

        /** A module to load beyond the usual ones, e.g. {@code module("rewrite_module", "mod_rewrite.so")}. */
        public Builder module(String name, String file) {
            extraModules.add(new String[] {name, file});
            return this;
        }

        public Apache start() {
            Path binary = Tools.apache();
            Path modules = Tools.apacheModules();
            Path snippet = snippet();
            Path dir = TempDirs.create("apache");
            Endpoint endpoint = Endpoint.freeTcp();
            try {
                TempDirs.subdir(dir, "htdocs");
                Files.writeString(dir.resolve("httpd.conf"), config(dir, endpoint, modules, snippet));
            } catch (IOException e) {
                TempDirs.deleteQuietly(dir);
                throw new UncheckedIOException("cannot write the Apache config in " + dir, e);
            }
            List<String> command = List.of(binary.toString(), "-d", dir.toString(), "-f", dir.resolve("httpd.conf").toString(),
                    "-DFOREGROUND");
            LoggedProcess process = LoggedProcess.start("apache", command, dir, dir.resolve("apache.out"),
                    List.of(dir.resolve("error.log"), dir.resolve("access.log")));
            Apache apache = new Apache(this, endpoint, dir, process);
            try {
                Frontend.awaitAnswer(apache, process, START_TIMEOUT);
            } catch (RuntimeException | Error e) {
                apache.close();
                throw e;
            }
            return apache;
        }

        private String config(Path dir, Endpoint endpoint, Path modules, Path snippet) {
            StringBuilder c = new StringBuilder();
            c.append("# generated by the Malt end-to-end tests\n")
                    .append("ServerRoot \"").append(dir).append("\"\n")
                    .append("DefaultRuntimeDir \"").append(dir).append("\"\n")
                    .append("PidFile \"").append(dir.resolve("httpd.pid")).append("\"\n")
                    .append("Listen ").append(endpoint.host()).append(':').append(endpoint.port()).append('\n')
                    .append("ServerName 127.0.0.1\n");
            List<String[]> modulesToLoad = new ArrayList<>(MODULES);
            modulesToLoad.addAll(extraModules);
            for (String[] module : modulesToLoad) {
                c.append("<IfModule !").append(module[0]).append(">\n")
                        .append("    LoadModule ").append(module[0]).append(" \"").append(modules.resolve(module[1])).append("\"\n")
                        .append("</IfModule>\n");
            }
            if (Tools.isRoot()) {
                c.append("User www-data\nGroup www-data\n");
            }
            c.append("ErrorLog \"").append(dir.resolve("error.log")).append("\"\n")
                    .append("LogLevel warn\n")
                    .append("LogFormat \"%h \\\"%r\\\" %>s %B %D\" malt\n")
                    .append("CustomLog \"").append(dir.resolve("access.log")).append("\" malt\n")
                    .append("DocumentRoot \"").append(dir.resolve("htdocs")).append("\"\n")
                    .append("StartServers 1\nServerLimit 2\nThreadsPerChild 16\nMaxRequestWorkers 32\n")
                    .append("MinSpareThreads 8\nMaxSpareThreads 32\n")
                    .append("<VirtualHost ").append(endpoint.host()).append(':').append(endpoint.port()).append(">\n")
                    .append("    ServerName 127.0.0.1\n")
                    .append("    ProxyPass \"/.frontend-ready\" \"!\"\n");
            for (String d : vhost) {
                c.append("    ").append(d).append('\n');
            }
            c.append("    Define MALT_UPSTREAM \"").append(upstream.apacheUwsgiUrl()).append("\"\n")
                    .append("    Include \"").append(snippet).append("\"\n")
                    .append("</VirtualHost>\n");
            return c.toString();
        }
    }
}
