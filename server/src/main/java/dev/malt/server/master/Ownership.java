package dev.malt.server.master;

import dev.malt.server.net.Listeners;

import java.io.IOException;

/**
 * {@code chown-socket = USER[:GROUP]}, by name or number, resolved to the numbers that the socket is given while it
 * is still in its private directory ({@link Listeners#bindUnix}), never through a path someone else could change.
 */
final class Ownership {

    private Ownership() {
    }

    static Listeners.SocketOwner resolve(String spec) throws IOException {
        int colon = spec.indexOf(':');
        String user = colon < 0 ? spec : spec.substring(0, colon);
        String group = colon < 0 ? "" : spec.substring(colon + 1);
        try {
            int uid = user.isEmpty() ? -1 : WorkerIdentity.resolveUser(user);
            int gid = group.isEmpty() ? -1 : WorkerIdentity.resolveGroup(group);
            return new Listeners.SocketOwner(uid, gid);
        } catch (WorkerIdentity.RefusedException e) {
            throw new IOException("chown-socket " + spec + ": " + e.getMessage(), e);
        }
    }
}
