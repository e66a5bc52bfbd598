package dev.malt.server.servlet;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.internal.RequestRejectedException;
import dev.malt.server.servlet.internal.ClientAbortException;
import dev.malt.server.servlet.internal.GatewayRequestMapping;
import dev.malt.server.servlet.internal.HeaderFields;
import dev.malt.server.servlet.internal.MaltHttpRequest;
import dev.malt.server.servlet.internal.MaltHttpResponse;
import dev.malt.server.servlet.internal.RequestModel;
import dev.malt.server.servlet.internal.ServletAppLoader;
import dev.malt.server.servlet.internal.ServletMessages;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hosts one plain servlet app in a worker: the servlet mounted at {@code contextPath/*}, in its own
 * class loader that sees only the JDK, {@code jakarta.servlet.*} and the app's classpath.
 *
 * <p>{@link #handle} may be called from many app threads at once (the servlet must be thread-safe, as
 * always). It never throws and always ends the exchange's response: finished normally, or aborted
 * when the servlet failed after the response was committed. It does not drain a request body the
 * servlet left unread; the transport must discard it (or close the connection).
 */
public final class ServletHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServletHost.class);

    private final ServletAppSpec spec;
    private final ServletAppLoader.LoadedApp app;
    private final String contextPath;
    private final String requestIdPrefix = ProcessHandle.current().pid() + "-";
    private final AtomicLong requestIds = new AtomicLong();
    private final LongAdder requests = new LongAdder();
    private final LongAdder exceptions = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServletHost(ServletAppSpec spec, ServletAppLoader.LoadedApp app) {
        this.spec = spec;
        this.app = app;
        this.contextPath = app.context().getContextPath();
    }

    /**
     * Loads the app and runs the servlet's {@code init()}.
     *
     * @throws AppLoadException with an operator-facing message when the classpath, the servlet class
     *                          or {@code init()} is at fault
     */
    public static ServletHost start(ServletAppSpec spec) throws AppLoadException {
        return new ServletHost(spec, ServletAppLoader.load(spec));
    }

    public ServletAppSpec spec() {
        return spec;
    }

    /** Requests handled so far. */
    public long requestCount() {
        return requests.sum();
    }

    /** Requests whose servlet threw an uncaught exception (answered 500, or aborted if committed). */
    public long exceptionCount() {
        return exceptions.sum();
    }

    /** Runs one request to completion on the calling thread. Never throws. */
    public void handle(GatewayExchange exchange) {
        requests.increment();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(app.loader());
        try {
            serve(exchange);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void serve(GatewayExchange exchange) {
        if (closed.get()) {
            reject(exchange, new RequestRejectedException(503, ServletMessages.appClosed(spec.appName())));
            return;
        }
        RequestModel model;
        try {
            model = GatewayRequestMapping.map(exchange.vars(), contextPath);
        } catch (RequestRejectedException e) {
            reject(exchange, e);
            return;
        }
        MaltHttpRequest request = new MaltHttpRequest(model, exchange, app.context(),
                requestIdPrefix + requestIds.incrementAndGet(), spec.appName());
        MaltHttpResponse response = new MaltHttpResponse(model, app.context(), exchange.response());
        try {
            app.servlet().service(request, response);
            response.complete();
        } catch (Throwable t) {
            failed(model, response, t);
        }
    }

    private void failed(RequestModel model, MaltHttpResponse response, Throwable failure) {
        String method = model.method();
        String uri = model.requestUri();
        ClientAbortException clientAbort = ClientAbortException.find(failure);
        if (clientAbort != null) {
            log.debug(ServletMessages.clientAborted(spec.appName(), method, uri, clientAbort.reason()));
            response.output().abort(failure);
            return;
        }
        int status = 500;
        RequestRejectedException rejected = badRequest(failure);
        if (rejected != null) {
            status = rejected.status();
            log.info(ServletMessages.requestRejected(spec.appName(), status, method, uri, rejected.getMessage()));
        } else {
            exceptions.increment();
            if (unwrap(failure) instanceof UnavailableException) {
                status = 503;
            }
            log.error(response.isCommitted()
                    ? ServletMessages.requestFailedAfterCommit(spec.appName(), method, uri)
                    : ServletMessages.requestFailed(spec.appName(), method, uri, status), failure);
        }
        if (response.isCommitted()) {
            response.output().abort(failure);
            return;
        }
        try {
            response.sendErrorPage(status);
        } catch (Throwable t) {
            response.output().abort(t);
        }
    }

    /** Answers without running app code: a path that cannot be decoded safely (400), a stopped app (503). */
    private void reject(GatewayExchange exchange, RequestRejectedException e) {
        UwsgiVars vars = exchange.vars();
        String method = vars.get("REQUEST_METHOD", "GET");
        String rawUri = vars.get("REQUEST_URI", "");
        log.info(ServletMessages.requestRejected(spec.appName(), e.status(), method, rawUri, e.getMessage()));
        RequestModel minimal = new RequestModel(method, "/", null, contextPath, null, new HeaderFields(), null, -1,
                "http", vars.get("SERVER_NAME", ""), 0, "", "", 0, "", 0, vars.get("SERVER_PROTOCOL", "HTTP/1.0"),
                null, null);
        MaltHttpResponse response = new MaltHttpResponse(minimal, app.context(), exchange.response());
        try {
            response.sendErrorPage(e.status());
        } catch (Throwable t) {
            response.output().abort(t);
        }
    }

    private static RequestRejectedException badRequest(Throwable failure) {
        for (Throwable c = failure; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof RequestRejectedException bad) {
                return bad;
            }
        }
        return null;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof ServletException servletException && servletException.getRootCause() != null
                && !(t instanceof UnavailableException)) {
            t = servletException.getRootCause();
        }
        return t;
    }

    /** Calls the servlet's {@code destroy()} and releases the app's class loader. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Servlet servlet = app.servlet();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(app.loader());
        try {
            servlet.destroy();
        } catch (Throwable t) {
            log.error(ServletMessages.destroyFailed(spec.appName(), servlet.getClass().getName()), t);
        } finally {
            thread.setContextClassLoader(previous);
            app.release();
        }
    }
}
