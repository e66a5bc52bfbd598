package dev.malt.integration;

import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.Frontend;

/** One way to reach Malt in a parameterized test: a web server and the kind of socket behind it. */
record Route(Frontend frontend) {

    Endpoint endpoint() {
        return frontend.endpoint();
    }

    boolean isNginx() {
        return frontend.name().equals("nginx");
    }

    boolean isApache() {
        return frontend.name().equals("apache");
    }

    @Override
    public String toString() {
        return frontend.name() + " -> " + frontend.upstream().kind();
    }
}
