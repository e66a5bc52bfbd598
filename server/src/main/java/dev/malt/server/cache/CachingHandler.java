package dev.malt.server.cache;

import dev.malt.server.servlet.GatewayExchange;
import dev.malt.server.worker.ExchangeHandler;

/**
 * Puts the cache in front of the app, on the app thread that would run the request: requests the rules allow ask
 * the master; a hit is answered here without app code, a lead runs the app through a {@link LeaderExchange} that
 * fills the entry, and anything else (a bypass, a pass, an unreachable master) runs the app as if there were no
 * cache.
 */
final class CachingHandler implements ExchangeHandler {

    private final ExchangeHandler app;
    private final CacheRules rules;
    private final CacheClient client;
    private final int maxItemBytes;
    private final CacheClock clock;

    CachingHandler(ExchangeHandler app, CacheRules rules, CacheClient client, int maxItemBytes, CacheClock clock) {
        this.app = app;
        this.rules = rules;
        this.client = client;
        this.maxItemBytes = maxItemBytes;
        this.clock = clock;
    }

    @Override
    public void handle(GatewayExchange exchange) throws Exception {
        CacheRules.Candidate candidate = rules.forRequest(exchange.vars());
        if (candidate == null) {
            app.handle(exchange);
            return;
        }
        CacheClient.Reply reply = client.lookup(candidate.resource(), candidate.headers());
        if (reply instanceof CacheClient.Hit hit) {
            HitResponse.send(exchange, hit.response(), candidate.head(), clock.millis());
        } else if (reply instanceof CacheClient.Lead lead) {
            LeaderExchange leader = new LeaderExchange(exchange, candidate, lead, rules, client, maxItemBytes);
            try {
                app.handle(leader);
            } catch (Throwable t) {
                leader.failed();
                throw t;
            }
            if (!leader.isDetached()) {
                leader.finish(); // what the worker does after a handler that did not detach, here so it stores
            }
        } else {
            app.handle(exchange);
        }
    }
}
