package dev.malt.integration.support;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a server listens: a TCP {@code host:port} or a unix socket path, with the spellings each
 * config file wants.
 */
public final class Endpoint {

    private final String host;
    private final int port;
    private final Path path;

    private Endpoint(String host, int port, Path path) {
        this.host = host;
        this.port = port;
        this.path = path;
    }

    public static Endpoint tcp(String host, int port) {
        return new Endpoint(Objects.requireNonNull(host), port, null);
    }

    /** A TCP endpoint on 127.0.0.1 with a free port. */
    public static Endpoint freeTcp() {
        return tcp("127.0.0.1", FreePorts.next());
    }

    public static Endpoint unix(Path path) {
        if (path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new IllegalArgumentException("unix socket path longer than 107 bytes: " + path);
        }
        return new Endpoint(null, -1, path.toAbsolutePath());
    }

    /** Parses an INI value: an absolute path is a unix socket, anything else {@code host:port}. */
    public static Endpoint parse(String value) {
        String v = value.trim();
        if (v.startsWith("/")) {
            return unix(Path.of(v));
        }
        int colon = v.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not host:port or a socket path: " + value);
        }
        String h = v.substring(0, colon);
        return tcp(h.isEmpty() ? "0.0.0.0" : h, Integer.parseInt(v.substring(colon + 1)));
    }

    public boolean isUnix() {
        return path != null;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Path path() {
        return path;
    }

    public SocketAddress address() {
        if (isUnix()) {
            return UnixDomainSocketAddress.of(path);
        }
        return new InetSocketAddress("0.0.0.0".equals(host) ? "127.0.0.1" : host, port);
    }

    /** The value for Malt's {@code socket =} / {@code http-socket =}. */
    public String iniValue() {
        return isUnix() ? path.toString() : host + ":" + port;
    }

    /** The address for nginx's {@code server} (in an upstream block) or {@code uwsgi_pass}. */
    public String nginxAddress() {
        return isUnix() ? "unix:" + path : host + ":" + port;
    }

    /** The URL for Apache's {@code ProxyPass} to a uwsgi server. */
    public String apacheUwsgiUrl() {
        return isUnix() ? "unix:" + path + "|uwsgi://malt/" : "uwsgi://" + host + ":" + port + "/";
    }

    /** The Host header value for an HTTP request to this endpoint. */
    public String hostHeader() {
        return isUnix() ? "localhost" : host + ":" + port;
    }

    /** "tcp" or "unix". */
    public String kind() {
        return isUnix() ? "unix" : "tcp";
    }

    @Override
    public String toString() {
        return isUnix() ? "unix:" + path : host + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && Objects.equals(host, e.host) && port == e.port && Objects.equals(path, e.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, path);
    }
}
