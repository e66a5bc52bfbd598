package dev.malt.server.worker;

import dev.malt.protocol.UwsgiVars;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One line per request, shaped like uWSGI's so that existing log habits and greps carry over:
 * {@code [pid: 4242|worker: 1|req: 17] 127.0.0.1 GET /path?q=1 => generated 512 bytes in 3 msecs (HTTP/1.1 200)}.
 */
final class RequestLog {

    static final String LOGGER_NAME = "malt.request";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    private final long pid;
    private final int workerId;
    private final boolean enabled;

    RequestLog(long pid, int workerId, boolean enabled) {
        this.pid = pid;
        this.workerId = workerId;
        this.enabled = enabled;
    }

    void log(ChannelExchange exchange, long requestNumber) {
        if (!enabled || !LOG.isInfoEnabled()) {
            return;
        }
        UwsgiVars vars = exchange.vars();
        LOG.info("[pid: {}|worker: {}|req: {}] {} {} {} => generated {} bytes in {} msecs ({} {})",
                pid, workerId, requestNumber,
                vars.get("REMOTE_ADDR", "-"), vars.get("REQUEST_METHOD", "-"), vars.get("REQUEST_URI", "-"),
                exchange.bodyBytes(), TimeUnit.NANOSECONDS.toMillis(exchange.elapsedNanos()),
                vars.get("SERVER_PROTOCOL", "HTTP/1.1"), exchange.status());
    }
}
