package dev.malt.server.servlet.internal;

import jakarta.servlet.ServletConnection;

/**
 * The connection a request came on: the frontend's connection to this worker (uwsgi or plain HTTP),
 * not the browser's. It is never encrypted; whether the browser used TLS is
 * {@code ServletRequest#isSecure()}.
 */
record MaltServletConnection(String connectionId, String protocol) implements ServletConnection {

    @Override
    public String getConnectionId() {
        return connectionId;
    }

    @Override
    public String getProtocol() {
        return protocol;
    }

    @Override
    public String getProtocolConnectionId() {
        return ""; // only HTTP/3 (QUIC) has one
    }

    @Override
    public boolean isSecure() {
        return false;
    }
}
