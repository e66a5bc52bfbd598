package dev.malt.server.servlet.internal;

import java.io.IOException;

/**
 * The peer went away while the app read the request body or wrote the response. Apps see it as an
 * IOException; the host recognises it so that a closed browser tab is not logged as a servlet failure.
 */
public final class ClientAbortException extends IOException {

    private static final long serialVersionUID = 1L;

    public ClientAbortException(IOException cause) {
        super(cause.getMessage() == null ? "client went away" : "client went away: " + cause.getMessage(), cause);
    }

    /** The client abort among {@code t} and its causes, or {@code null}. */
    public static ClientAbortException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ClientAbortException abort) {
                return abort;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /** What the transport said, without this class's prefix. */
    public String reason() {
        return getCause() == null ? getMessage() : String.valueOf(getCause().getMessage());
    }
}
