package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;

import java.io.InputStream;

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
}
