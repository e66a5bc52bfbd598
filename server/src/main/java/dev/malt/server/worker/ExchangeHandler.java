package dev.malt.server.worker;

import dev.malt.server.servlet.GatewayExchange;

/** What runs a request on an app thread; the servlet host in production. */
@FunctionalInterface
public interface ExchangeHandler {

    /** Runs the request to completion. Should not throw; if it does, the connection is aborted. */
    void handle(GatewayExchange exchange) throws Exception;
}
