package dev.malt.integration.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Our own nginx, never the system service: a config generated into a scratch directory, a free port on
 * 127.0.0.1, and the shipped {@code packaging/nginx/malt-uwsgi.conf} included as an operator would,
 * with the Malt socket named in an {@code upstream malt} block.
 *
 * <pre>
 * try (Nginx nginx = Nginx.to(malt).location("uwsgi_param UWSGI_SCHEME https;").start()) { ... }
 * </pre>
 */
public final class Nginx implements Frontend {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Endpoint endpoint;
    private final Endpoint upstream;
    private final Path dir;
    private final LoggedProcess process;

    private Nginx(Builder b, Endpoint endpoint, Path dir, LoggedProcess process) {
        this.endpoint = endpoint;
        this.upstream = b.upstream;
        this.dir = dir;
        this.process = process;
    }

    /** nginx proxying to a Malt uwsgi socket (TCP or unix). */
    public static Builder to(Endpoint upstream) {
        return new Builder(upstream);
    }

    /** The shipped snippet the generated config includes. */
    public static Path snippet() {
        Path snippet = Tools.repoRoot().resolve("packaging/nginx/malt-uwsgi.conf");
        if (!Files.isRegularFile(snippet)) {
            throw new AssertionError("the nginx snippet " + snippet + " is missing");
        }
        return snippet;
    }

    @Override
    public String name() {
        return "nginx";
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

    /** The generated nginx.conf. */
    public Path config() {
        return dir.resolve("nginx.conf");
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
        return "nginx on " + endpoint + " -> " + upstream;
    }

    /** Extra directives for the server block and for the location that includes the snippet. */
    public static final class Builder {
        private final Endpoint upstream;
        private final List<String> http = new ArrayList<>();
        private final List<String> server = new ArrayList<>();
        private final List<String> location = new ArrayList<>();
        private final List<String> upstreamServers = new ArrayList<>();
        private java.util.function.Function<Endpoint, String> site;

        private Builder(Endpoint upstream) {
            this.upstream = upstream;
        }

        /** A directive for the {@code http} block, e.g. {@code uwsgi_cache_path ...;}. */
        public Builder http(String directive) {
            http.add(directive);
            return this;
        }

        /** A directive for the {@code server} block, e.g. {@code large_client_header_buffers 4 32k;}. */
        public Builder server(String directive) {
            server.add(directive);
            return this;
        }

        /**
         * Another server for {@code upstream malt}, after the first, with nginx's parameters: e.g.
         * {@code upstreamServer(hostB, "max_fails=1 fail_timeout=10s")}.
         */
        public Builder upstreamServer(Endpoint server, String parameters) {
            upstreamServers.add(server.nginxAddress() + (parameters.isEmpty() ? "" : " " + parameters));
            return this;
        }

        /** A directive for {@code location /}, after the snippet, e.g. {@code uwsgi_param UWSGI_SCHEME https;}. */
        public Builder location(String directive) {
            location.add(directive);
            return this;
        }

        /**
         * An operator's whole site file instead of the generated server block: {@code site} gets the endpoint
         * nginx must listen on and returns the file's text (a shipped example, with its listen line changed).
         */
        public Builder site(java.util.function.Function<Endpoint, String> site) {
            this.site = site;
            return this;
        }

        public Nginx start() {
            Path binary = Tools.nginx();
            Path params = Tools.nginxUwsgiParams();
            Path snippet = snippet();
            Path dir = TempDirs.create("nginx");
            Endpoint endpoint = Endpoint.freeTcp();
            try {
                // "include uwsgi_params;" in the snippet is relative to the config's directory.
                Files.copy(params, dir.resolve("uwsgi_params"));
                TempDirs.subdir(dir, "temp");
                if (site != null) {
                    Files.writeString(dir.resolve("site.conf"), site.apply(endpoint));
                }
                Files.writeString(dir.resolve("nginx.conf"), config(dir, endpoint, snippet));
            } catch (IOException e) {
                TempDirs.deleteQuietly(dir);
                throw new UncheckedIOException("cannot write the nginx config in " + dir, e);
            }
            Path errorLog = dir.resolve("error.log");
            List<String> command = List.of(binary.toString(), "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(),
                    "-e", errorLog.toString());
            LoggedProcess process = LoggedProcess.start("nginx", command, dir, dir.resolve("nginx.out"),
                    List.of(errorLog, dir.resolve("access.log")));
            Nginx nginx = new Nginx(this, endpoint, dir, process);
            try {
                Frontend.awaitAnswer(nginx, process, START_TIMEOUT);
            } catch (RuntimeException | Error e) {
                nginx.close();
                throw e;
            }
            return nginx;
        }

        private String config(Path dir, Endpoint endpoint, Path snippet) {
            StringBuilder c = new StringBuilder();
            c.append("# generated by the Malt end-to-end tests\n");
            if (Tools.isRoot()) {
                // Workers as www-data, as in a packaged install: Malt's unix socket must let them in.
                c.append("user www-data;\n");
            }
            c.append("daemon off;\n")
                    .append("master_process on;\n")
                    .append("worker_processes 1;\n")
                    .append("pid ").append(dir.resolve("nginx.pid")).append(";\n")
                    .append("error_log ").append(dir.resolve("error.log")).append(" info;\n")
                    .append("events { worker_connections 256; }\n")
                    .append("http {\n")
                    .append("    default_type application/octet-stream;\n")
                    .append("    log_format malt '$remote_addr \"$request\" $status $body_bytes_sent upstream=$upstream_status "
                            + "$upstream_response_time';\n")
                    .append("    access_log ").append(dir.resolve("access.log")).append(" malt;\n");
            for (String temp : List.of("client_body", "uwsgi", "proxy", "fastcgi", "scgi")) {
                c.append("    ").append(temp).append("_temp_path ").append(dir.resolve("temp/" + temp)).append(";\n");
            }
            for (String d : http) {
                c.append("    ").append(d).append('\n');
            }
            if (site != null) {
                // As sites-enabled/ is included by Debian's nginx.conf.
                return c.append("    include ").append(dir.resolve("site.conf")).append(";\n}\n").toString();
            }
            c.append("    upstream malt {\n")
                    .append("        server ").append(upstream.nginxAddress()).append(";\n");
            for (String more : upstreamServers) {
                c.append("        server ").append(more).append(";\n");
            }
            c.append("    }\n")
                    .append("    server {\n")
                    .append("        listen ").append(endpoint.host()).append(':').append(endpoint.port()).append(";\n")
                    .append("        server_name localhost;\n");
            for (String d : server) {
                c.append("        ").append(d).append('\n');
            }
            c.append("        location = /.frontend-ready { return 204; }\n")
                    .append("        location / {\n")
                    .append("            include ").append(snippet).append(";\n");
            for (String d : location) {
                c.append("            ").append(d).append('\n');
            }
            c.append("        }\n")
                    .append("    }\n")
                    .append("}\n");
            return c.toString();
        }
    }
}
