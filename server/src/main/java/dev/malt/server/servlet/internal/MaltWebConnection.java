package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.UpgradedConnection;
import dev.malt.server.servlet.core.WebApp;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * An {@link HttpUpgradeHandler}'s life on one connection (Servlet spec 2.3.3.5): created by
 * {@code upgrade()}, initialized once the 101 is out and the transport handed the connection over,
 * destroyed when the connection ends, whichever side ends it.
 *
 * <p>{@code init}, the read and write listeners' callbacks and {@code destroy} run on app threads with the
 * app's class loader, one at a time and in order for this connection, never on an event loop. A callback
 * that throws is reported to its listener's {@code onError}, and the connection is closed: the handler's
 * state is unknown from then on.
 */
public final class MaltWebConnection implements WebConnection {

    /** Work on the app's side that may throw. */
    @FunctionalInterface
    interface Callback {
        void run() throws Exception;
    }

    private final WebApp app;
    private final HttpUpgradeHandler handler;
    private final SerialExecutor callbacks;
    private final AtomicBoolean destroyed = new AtomicBoolean();
    /** The handler or the container closed the connection: its end is no error to report. */
    private volatile boolean closing;
    private volatile UpgradedConnection connection;
    private UpgradeInputStream input;
    private UpgradeOutputStream output;

    MaltWebConnection(WebApp app, HttpUpgradeHandler handler) {
        this.app = app;
        this.handler = handler;
        this.callbacks = new SerialExecutor(app.executor());
    }

    /** From the transport, once the 101 is out: the connection is the handler's now. */
    void start(UpgradedConnection connection) {
        this.connection = connection;
        this.input = new UpgradeInputStream(this, connection);
        this.output = new UpgradeOutputStream(this, connection);
        callback("init", () -> handler.init(this), null);
        connection.whenClosed(this::connectionClosed);
    }

    /** From the transport: the response went out without a switch; the handler never starts. */
    void abandon() {
        app.withClassLoader(() -> app.instances().destroy(handler));
    }

    /**
     * Runs {@code work} on an app thread after whatever this connection has queued. If it throws,
     * {@code onError} hears of it and the connection is closed. Nothing runs after the handler is destroyed.
     */
    void callback(String event, Callback work, Consumer<Throwable> onError) {
        try {
            callbacks.execute(() -> {
                if (destroyed.get()) {
                    return;
                }
                try {
                    app.withClassLoaderChecked(work::run);
                } catch (Throwable t) {
                    failed(event, t, onError);
                }
            });
        } catch (RejectedExecutionException e) {
            app.log().debug("upgrade handler {}: {} dropped, the worker is stopping", handler.getClass().getName(), event);
        }
    }

    private void failed(String event, Throwable failure, Consumer<Throwable> onError) {
        String message = ServletMessages.upgradeHandlerFailed(app.appName(), handler.getClass().getName(), event);
        if (failure instanceof IOException) {
            app.log().debug(message + ": " + failure); // the peer went away: routine
        } else {
            app.log().warn(message, failure);
        }
        if (onError != null) {
            try {
                app.withClassLoaderChecked(() -> onError.accept(failure));
            } catch (Throwable t) {
                app.log().warn(ServletMessages.upgradeHandlerFailed(app.appName(), handler.getClass().getName(),
                        "onError"), t);
            }
        }
        close();
    }

    boolean isClosing() {
        return closing;
    }

    /** The connection ended: destroy() runs after the callbacks already queued. */
    private void connectionClosed() {
        try {
            callbacks.execute(this::destroy);
        } catch (RejectedExecutionException e) {
            destroy(); // the app threads are gone: the last chance to let the handler clean up
        }
    }

    private void destroy() {
        if (!destroyed.compareAndSet(false, true)) {
            return;
        }
        try {
            app.withClassLoaderChecked(() -> {
                try {
                    handler.destroy();
                } finally {
                    app.instances().destroy(handler);
                }
            });
        } catch (Throwable t) {
            app.log().warn(ServletMessages.upgradeHandlerFailed(app.appName(), handler.getClass().getName(), "destroy"), t);
        } finally {
            connection.release();
        }
    }

    // ---- WebConnection

    @Override
    public ServletInputStream getInputStream() {
        return input;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return output;
    }

    /** Sends what the handler wrote, then closes the connection; destroy() follows. */
    @Override
    public void close() {
        closing = true;
        output.markClosed();
        connection.close();
    }
}
