package dev.malt.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An address to listen on, in uWSGI's notation: {@code host:port}, {@code :port} (all interfaces),
 * {@code [::1]:port}, or a unix socket path ({@code /run/malt/app/shop.sock}, {@code unix:/path},
 * {@code ./shop.sock}). Port 0 is allowed and means "any free port".
 */
public final class ListenAddress {

    private static final String UNIX_PREFIX = "unix:";

    private final String host;   // null for unix; "" for all interfaces
    private final int port;
    private final Path unixPath; // null for TCP

    private ListenAddress(String host, int port, Path unixPath) {
        this.host = host;
        this.port = port;
        this.unixPath = unixPath;
    }

    /**
     * Parses uWSGI's notation.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and how to write it
     */
    public static ListenAddress parse(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("an address is empty; write host:port, :port or a unix socket path");
        }
        if (s.startsWith(UNIX_PREFIX)) {
            String path = s.substring(UNIX_PREFIX.length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("'unix:' needs a path, e.g. unix:/run/malt/app/shop.sock");
            }
            return unix(Path.of(path));
        }
        if (s.startsWith("@")) {
            throw new IllegalArgumentException("abstract unix sockets ('" + s + "') are not supported; use a path");
        }
        if (s.startsWith("[")) {
            return parseBracketedIpv6(s);
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0 || s.contains("/")) {
            return parseUnixPath(s);
        }
        String hostPart = s.substring(0, colon);
        if (hostPart.contains(":")) {
            throw new IllegalArgumentException(
                    "'" + s + "': put IPv6 addresses in brackets, e.g. [::1]:3031");
        }
        int port = parsePort(s, s.substring(colon + 1));
        if (hostPart.isEmpty() || hostPart.equals("*")) {
            return new ListenAddress("", port, null);
        }
        if (!isIpv4Literal(hostPart) && !isHostName(hostPart)) {
            throw new IllegalArgumentException("'" + hostPart + "' is neither an IPv4 address nor a host name");
        }
        return new ListenAddress(hostPart, port, null);
    }

    /** A TCP address; {@code host} "" means all interfaces. */
    public static ListenAddress tcp(String host, int port) {
        return parse((host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    public static ListenAddress unix(Path path) {
        return new ListenAddress(null, 0, path);
    }

    public boolean isUnix() {
        return unixPath != null;
    }

    /** True for {@code :port} and {@code *:port}: every interface. */
    public boolean isWildcard() {
        return "".equals(host);
    }

    /** Host as written (no brackets); "" for all interfaces. */
    public String host() {
        requireTcp();
        return host;
    }

    public int port() {
        requireTcp();
        return port;
    }

    public Path unixPath() {
        if (unixPath == null) {
            throw new IllegalStateException(this + " is a TCP address");
        }
        return unixPath;
    }

    /**
     * The socket address to bind. An IPv4 literal gives an {@code Inet4Address} (binding it explicitly keeps the
     * listener IPv4-only); literals never cause DNS lookups; host names are resolved now.
     */
    public InetSocketAddress toInetSocketAddress() throws UnknownHostException {
        requireTcp();
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** A relative unix path made absolute against {@code base}; anything else unchanged. */
    public ListenAddress resolveAgainst(Path base) {
        return isUnix() && !unixPath.isAbsolute() ? unix(base.resolve(unixPath).normalize()) : this;
    }

    private static ListenAddress parseBracketedIpv6(String s) {
        int close = s.indexOf(']');
        if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
            throw new IllegalArgumentException("'" + s + "': write an IPv6 address as [::1]:3031");
        }
        String literal = s.substring(1, close);
        if (!literal.contains(":") || !literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw new IllegalArgumentException("'" + literal + "' is not an IPv6 address");
        }
        try {
            InetAddress.getByName(literal); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + literal + "' is not an IPv6 address");
        }
        return new ListenAddress(literal, parsePort(s, s.substring(close + 2)), null);
    }

    private static ListenAddress parseUnixPath(String s) {
        if (s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + s + "' has no host; for a TCP port write :" + s);
        }
        // A bare word would silently become a socket file named after a typo ("localhost", "3031x").
        if (!s.contains("/") && !s.endsWith(".sock") && !s.endsWith(".socket")) {
            throw new IllegalArgumentException("'" + s + "' is neither host:port nor a socket path;"
                    + " write e.g. 127.0.0.1:3031, :3031 or ./" + s + ".sock");
        }
        return unix(Path.of(s));
    }

    private static int parsePort(String whole, String digits) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + whole + "' has no valid port after the last ':'");
        }
        int port = Integer.parseInt(digits);
        if (port > 65535) {
            throw new IllegalArgumentException("port " + port + " is above 65535");
        }
        return port;
    }

    private static boolean isIpv4Literal(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHostName(String s) {
        // All-numeric dotted names that failed the IPv4 check ("10.0.0.300") are typos, not names.
        if (s.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            return false;
        }
        return s.length() <= 253 && s.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    }

    private void requireTcp() {
        if (unixPath != null) {
            throw new IllegalStateException(this + " is a unix socket");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListenAddress other && Objects.equals(host, other.host) && port == other.port
                && Objects.equals(unixPath, other.unixPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, unixPath);
    }

    /** uWSGI notation again: {@code 127.0.0.1:3031}, {@code :3031}, {@code [::1]:3031} or the socket path. */
    @Override
    public String toString() {
        if (unixPath != null) {
            return unixPath.toString();
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
