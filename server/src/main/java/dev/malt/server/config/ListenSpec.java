package dev.malt.server.config;

import java.util.Objects;

/**
 * One listening socket of an app: what protocol it speaks and where.
 *
 * @param kind    {@link Kind#UWSGI} for {@code socket}, {@link Kind#HTTP} for {@code http-socket}
 * @param address where to listen; relative unix paths are already made absolute
 */
public record ListenSpec(Kind kind, ListenAddress address) {

    public enum Kind { UWSGI, HTTP }

    public ListenSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
    }
}
