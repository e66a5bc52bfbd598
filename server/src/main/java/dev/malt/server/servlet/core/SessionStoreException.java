package dev.malt.server.servlet.core;

/**
 * A shared session store that cannot be reached or written (Redis down, a full disk). The store has
 * logged the cause; a request that needs its session is answered 503 instead of hanging or getting the
 * wrong session.
 */
public final class SessionStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SessionStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
