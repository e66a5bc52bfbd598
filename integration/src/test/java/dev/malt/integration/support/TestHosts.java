package dev.malt.integration.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Several "machines" on this one: each host is a network namespace ({@code ip netns add}) joined to this
 * one by a veth pair, with its own address, its own loopback and nothing else. Host {@code i} has
 * {@link Host#address()} {@code 10.R.i.2}; this namespace's end of its link is {@link Host#gateway()}
 * {@code 10.R.i.1}, which is where a host reaches servers the test runs here (Redis, nginx).
 * Everything is removed on {@link #close()}, and on JVM exit if a test crashed.
 *
 * <p>Needs root and iproute2; a missing tool fails the test with how to install it.
 */
public final class TestHosts implements AutoCloseable {

    /** One host: its namespace, its address, and the address of this side of its link. */
    public record Host(String namespace, String address, String gateway) {

        /** {@code ip netns exec NAMESPACE}: put in front of a command to run it on this host. */
        public List<String> exec() {
            return List.of(ip(), "netns", "exec", namespace);
        }

        /** A TCP endpoint on this host's address. */
        public Endpoint endpoint(int port) {
            return Endpoint.tcp(address, port);
        }
    }

    private final List<Host> hosts = new ArrayList<>();
    private final List<String> links = new ArrayList<>();
    private final Thread cleanup = new Thread(this::removeAll, "remove-test-hosts");

    private TestHosts() {
    }

    /** Creates {@code count} hosts (at most 9). */
    public static TestHosts create(int count) {
        if (!Tools.isRoot()) {
            throw new AssertionError("test hosts are network namespaces, which need root: run ./run-tests as root");
        }
        ip();
        TestHosts made = new TestHosts();
        Runtime.getRuntime().addShutdownHook(made.cleanup);
        // A random second octet and tag keep two test runs on one machine apart.
        int net = ThreadLocalRandom.current().nextInt(100, 250);
        String tag = Integer.toString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff), 16);
        try {
            for (int i = 1; i <= count; i++) {
                String ns = "malt-" + tag + "-h" + i;
                String outside = "mlt" + tag + "h" + i;
                String gateway = "10." + net + "." + i + ".1";
                String address = "10." + net + "." + i + ".2";
                run("netns", "add", ns);
                made.hosts.add(new Host(ns, address, gateway));
                run("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns);
                made.links.add(outside);
                run("addr", "add", gateway + "/24", "dev", outside);
                run("link", "set", outside, "up");
                run("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
                run("-n", ns, "link", "set", "eth0", "up");
                run("-n", ns, "link", "set", "lo", "up");
                run("-n", ns, "route", "add", "default", "via", gateway);
            }
        } catch (RuntimeException | Error e) {
            made.close();
            throw e;
        }
        return made;
    }

    public Host host(int index) {
        return hosts.get(index);
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** This namespace's addresses on the hosts' links: bind a shared server (Redis) to all of them. */
    public List<String> gateways() {
        return hosts.stream().map(Host::gateway).toList();
    }

    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException alreadyExiting) {
            // the hook is running or has run
        }
    }

    private synchronized void removeAll() {
        for (String link : links) {
            runQuietly("link", "del", link);
        }
        links.clear();
        for (Host host : hosts) {
            runQuietly("netns", "del", host.namespace());
        }
        hosts.clear();
    }

    private static String ip() {
        for (String candidate : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
            if (new java.io.File(candidate).canExecute()) {
                return candidate;
            }
        }
        throw new AssertionError("ip (iproute2) not found: run ./run-tests as root, which installs it, "
                + "or apt-get install -y iproute2");
    }

    private static void run(String... args) {
        String result = runQuietly(args);
        if (result != null) {
            throw new AssertionError(result);
        }
    }

    /** Runs {@code ip ARGS}; null when it worked, else what went wrong. */
    private static String runQuietly(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ip());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish within 30 s";
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? null : String.join(" ", command) + " failed (" + p.exitValue() + "): " + output;
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return String.join(" ", command) + ": interrupted";
        }
    }
}
