package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;

import java.io.InputStream;
import java.util.Map;

/**
 * One request as a gateway handed it over: CGI-style vars, a streamed body and a place to write the
 * response. The worker's transports (the uwsgi socket and the plain HTTP socket) implement it; the
 * servlet host is the only consumer. Every method is called on an app thread, never on an event loop.
 */
public interface GatewayExchange {

    /**
     * The request vars as the frontend sent them, duplicates kept: REQUEST_METHOD, REQUEST_URI,
     * QUERY_STRING, PATH_INFO, SERVER_PROTOCOL, CONTENT_TYPE, CONTENT_LENGTH, REMOTE_ADDR,
     * REMOTE_PORT, SERVER_NAME, SERVER_PORT, HTTPS, UWSGI_SCHEME, REQUEST_SCHEME and HTTP_*.
     */
    UwsgiVars vars();

    /**
     * The request body, exactly CONTENT_LENGTH bytes, then -1. Reads block until the frontend sends
     * more; the transport stops reading from the socket while the app does not consume.
     * An {@link java.io.IOException} means the frontend went away before the body was complete.
     */
    InputStream body();

    /** Where the response goes. */
    ResponseChannel response();

    /**
     * An id of the frontend connection this request came on, unique within this JVM, for
     * {@code ServletConnection#getConnectionId()}. Requests that share a keep-alive connection share
     * it. The default, {@code null}, makes the servlet layer use the request id instead.
     */
    default String connectionId() {
        return null;
    }

    /**
     * The protocol spoken on that connection, for {@code ServletConnection#getProtocol()}:
     * {@code "uwsgi"} on the uwsgi socket, {@code "http/1.1"} (or {@code "http/1.0"}) on the HTTP socket.
     */
    default String connectionProtocol() {
        return "uwsgi";
    }

    /**
     * Runs {@code callback} once, as soon as {@link #body()} can be read without blocking: bytes are
     * waiting, the body has ended, or it failed. Runs it at once when that is already so. Used for the
     * servlet {@code ReadListener}; the callback may run on an event loop and must only hand off.
     */
    default void whenBodyReadable(Runnable callback) {
        callback.run();
    }

    /**
     * Runs {@code callback} once, when the peer goes away before the response ended (the connection
     * closed or broke). Never runs after a normal finish. Used to tell async listeners about the loss.
     */
    default void whenPeerGone(Runnable callback) {
    }

    /**
     * The handler keeps the exchange beyond its {@code handle} call and ends it itself, now or later
     * (an async servlet request), with {@link ResponseChannel#finish} or {@link ResponseChannel#abort}.
     * Without this call the transport finishes the response when {@code handle} returns.
     */
    default void detach() {
    }

    /**
     * Whether the request's trailer fields can be read: the body has ended, or the request cannot carry
     * trailers at all (not chunked, or through a uwsgi frontend, which passes none).
     */
    default boolean trailerFieldsReady() {
        return true;
    }

    /** The request's trailer fields, names in lower case; empty when there are none. */
    default Map<String, String> trailerFields() {
        return Map.of();
    }

    /**
     * Whether this connection can be handed to an {@code HttpUpgradeHandler}: only a client connected to the
     * HTTP socket can; a uwsgi frontend (nginx, Apache) does not pass an upgraded connection on.
     */
    default boolean canUpgrade() {
        return false;
    }

    /**
     * Asks to switch protocols after this response. If the response goes out with status 101, the transport
     * sends its head with {@code Connection: Upgrade}, stops speaking HTTP on the connection and calls
     * {@code switched} with the raw connection; the bytes the client sent after the request go there. With
     * any other status, or when the response is aborted, it calls {@code notSwitched} and carries on as
     * usual. Exactly one of them runs, once, on any thread; they must only hand off.
     *
     * @throws UnsupportedOperationException unless {@link #canUpgrade()}
     */
    default void upgradeAfterResponse(java.util.function.Consumer<UpgradedConnection> switched, Runnable notSwitched) {
        throw new UnsupportedOperationException("this connection cannot be upgraded");
    }
}
