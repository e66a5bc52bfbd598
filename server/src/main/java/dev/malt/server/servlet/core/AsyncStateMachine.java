package dev.malt.server.servlet.core;

import dev.malt.server.servlet.internal.MaltAsyncContext;
import dev.malt.server.servlet.internal.MaltHttpRequest;
import dev.malt.server.servlet.internal.ServletMessages;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The asynchronous life of one request (Servlet spec 2.3.3.3 and the {@code AsyncContext} contract).
 *
 * <pre>
 *   DISPATCHED --startAsync--> STARTED --dispatch returns--> WAITING --dispatch()--> ASYNC_DISPATCHING
 *        |                       |  \--dispatch()--> DISPATCH_PENDING --returns--> ASYNC_DISPATCHING
 *        |                       \--complete()--> COMPLETE_PENDING --returns--> COMPLETING
 *        \--dispatch returns--> COMPLETING --> COMPLETED        WAITING --complete()/timeout--> COMPLETING
 * </pre>
 *
 * A call to {@code dispatch} or {@code complete} made while the container's dispatch is still running
 * takes effect when it returns, as the spec requires. One container thread at a time works on the
 * request: dispatches, completion and the callbacks of {@code ReadListener}/{@code WriteListener} are
 * serialized here, and callbacks queued during a dispatch run after it.
 */
public final class AsyncStateMachine {

    /** Tomcat's default too: long enough for slow backends, short enough to free a forgotten request. */
    public static final long DEFAULT_TIMEOUT_MILLIS = 30_000;

    enum State { DISPATCHED, STARTED, DISPATCH_PENDING, COMPLETE_PENDING, WAITING, ASYNC_DISPATCHING, COMPLETING, COMPLETED }

    /** Where a pending dispatch goes: a context of this host and a path in it, or the request's own URI. */
    public record Target(WebApp app, String path) {
    }

    private record Registered(AsyncListener listener, ServletRequest request, ServletResponse response) {
    }

    @FunctionalInterface
    public interface Callback {
        void run() throws Exception;
    }

    private final MaltHttpRequest request;
    private final WebApp app;
    private State state = State.DISPATCHED;
    private MaltAsyncContext context;
    private ServletRequest asyncRequest;
    private ServletResponse asyncResponse;
    private boolean originalObjects;
    /** Where {@code dispatch()} goes when startAsync was given a request: its path then; else null. */
    private String dispatchPath;
    private long timeoutMillis = DEFAULT_TIMEOUT_MILLIS;
    private ScheduledFuture<?> timer;
    private int cycle;
    private final List<Registered> listeners = new ArrayList<>();
    private Target pending;
    private boolean peerWatched;
    /** Callbacks waiting for the container thread: run after the current dispatch or callback. */
    private final ArrayDeque<Runnable> callbacks = new ArrayDeque<>();
    /** A container thread works on the request now (dispatch, callback or completion). */
    private boolean busy = true;

    public AsyncStateMachine(MaltHttpRequest request) {
        this.request = request;
        this.app = request.app();
    }

    // ---- what the app calls (through the request and MaltAsyncContext)

    /**
     * @param original     whether {@code req} and {@code resp} are the container's own objects
     * @param dispatchPath the context-relative path {@code dispatch()} goes to, or {@code null} for the
     *                     request's URI at the time of the dispatch
     */
    public MaltAsyncContext start(ServletRequest req, ServletResponse resp, boolean original, String dispatchPath) {
        List<Registered> previous;
        synchronized (this) {
            if (state != State.DISPATCHED && state != State.ASYNC_DISPATCHING) {
                throw new IllegalStateException(ServletMessages.asyncIllegalState("startAsync", state.name()));
            }
            if (request.response().output().isFinished()) {
                throw new IllegalStateException(ServletMessages.asyncIllegalState("startAsync", "response complete"));
            }
            state = State.STARTED;
            cycle++;
            asyncRequest = req;
            asyncResponse = resp;
            originalObjects = original;
            this.dispatchPath = dispatchPath;
            timeoutMillis = DEFAULT_TIMEOUT_MILLIS;
            if (context == null) {
                context = new MaltAsyncContext(this);
            }
            previous = new ArrayList<>(listeners);
            listeners.clear();
        }
        if (!peerWatched) {
            peerWatched = true;
            request.exchange().whenPeerGone(this::peerGone);
        }
        for (Registered r : previous) {
            try {
                r.listener().onStartAsync(new AsyncEvent(context, r.request(), r.response()));
            } catch (IOException | RuntimeException e) {
                app.log().warn(ServletMessages.asyncListenerFailed("onStartAsync", r.listener()), e);
            }
        }
        return context;
    }

    /**
     * {@code isAsyncStarted()}: true from startAsync until the container acts on dispatch or complete. A
     * dispatch() or complete() called in the same dispatch leaves it true until that dispatch returns
     * (the TCK's reading, and Tomcat's).
     */
    public synchronized boolean isStarted() {
        return state == State.STARTED || state == State.WAITING || state == State.DISPATCH_PENDING
                || state == State.COMPLETE_PENDING;
    }

    /** Started, or a dispatch or completion is pending: the response belongs to the async cycle. */
    public synchronized boolean isAsyncMode() {
        return state == State.STARTED || state == State.WAITING || state == State.DISPATCH_PENDING
                || state == State.COMPLETE_PENDING;
    }

    /** Where {@code dispatch()} without a path goes, when startAsync fixed it; else {@code null}. */
    public String dispatchPath() {
        return dispatchPath;
    }

    public MaltAsyncContext context() {
        return context;
    }

    public ServletRequest asyncRequest() {
        return asyncRequest;
    }

    public ServletResponse asyncResponse() {
        return asyncResponse;
    }

    public boolean hasOriginalRequestAndResponse() {
        return originalObjects;
    }

    public synchronized void addListener(AsyncListener listener, ServletRequest req, ServletResponse resp) {
        if (state != State.STARTED && state != State.WAITING) {
            throw new IllegalStateException(ServletMessages.asyncIllegalState("addListener", state.name()));
        }
        listeners.add(new Registered(listener, req, resp));
    }

    public <T extends AsyncListener> T createListener(Class<T> type) throws ReflectiveOperationException {
        return app.instances().create(type);
    }

    public synchronized void setTimeout(long millis) {
        if (state != State.STARTED) {
            throw new IllegalStateException(ServletMessages.asyncIllegalState("setTimeout", state.name()));
        }
        timeoutMillis = millis;
    }

    public synchronized long timeout() {
        return timeoutMillis;
    }

    public void dispatch(Target target) {
        synchronized (this) {
            switch (state) {
                case STARTED, WAITING -> {
                    cancelTimer();
                    pending = target;
                    state = State.DISPATCH_PENDING;
                }
                default -> throw new IllegalStateException(ServletMessages.asyncIllegalState("dispatch", state.name()));
            }
        }
        kick();
    }

    public void complete() {
        synchronized (this) {
            switch (state) {
                case STARTED, WAITING -> {
                    cancelTimer();
                    state = State.COMPLETE_PENDING;
                }
                case COMPLETE_PENDING, COMPLETING, COMPLETED -> {
                    return;
                }
                default -> throw new IllegalStateException(ServletMessages.asyncIllegalState("complete", state.name()));
            }
        }
        kick();
    }

    /** Runs app code for {@code AsyncContext.start}: on an app thread, with the app's class loader. */
    public void start(Runnable task) {
        app.executor().execute(() -> app.withClassLoader(task));
    }

    /**
     * Runs a ReadListener/WriteListener callback on a container thread, after whatever the container
     * is doing with this request now; a failure goes to {@code onError} and ends the request.
     */
    public void callListener(Callback callback, Consumer<Throwable> onError) {
        schedule(() -> {
            try {
                app.withClassLoaderChecked(callback::run);
            } catch (Throwable t) {
                try {
                    onError.accept(t);
                } catch (RuntimeException e) {
                    app.log().warn(ServletMessages.asyncListenerFailed("onError", onError), e);
                }
                error(t);
            }
        });
    }

    // ---- what the container calls

    /**
     * The container's dispatch (the first one, or an async one) returned on this thread. Runs what was
     * asked meanwhile: a pending dispatch, completion, or arms the timeout and lets the thread go.
     */
    public void dispatchReturned() {
        containerTurn();
    }

    /**
     * An uncaught failure in a dispatch or callback of an async request: the listeners' onError first;
     * if none of them completed or dispatched, the error page, then completion. Runs on the container
     * thread that caught the failure.
     */
    public void error(Throwable failure) {
        List<Registered> notify;
        synchronized (this) {
            if (state != State.STARTED && state != State.WAITING && state != State.ASYNC_DISPATCHING) {
                return;
            }
            notify = new ArrayList<>(listeners);
        }
        for (Registered r : notify) {
            try {
                r.listener().onError(new AsyncEvent(context, r.request(), r.response(), failure));
            } catch (IOException | RuntimeException e) {
                app.log().warn(ServletMessages.asyncListenerFailed("onError", r.listener()), e);
            }
        }
        boolean unhandled;
        synchronized (this) {
            unhandled = state == State.STARTED || state == State.WAITING || state == State.ASYNC_DISPATCHING;
            if (unhandled) {
                cancelTimer();
                state = State.COMPLETE_PENDING;
            }
        }
        if (unhandled) {
            app.errorAfterAsync(request, failure);
        }
        kick();
    }

    /** Fires onComplete; the response is finished by then. */
    public void fireComplete() {
        List<Registered> notify;
        synchronized (this) {
            notify = new ArrayList<>(listeners);
        }
        for (Registered r : notify) {
            try {
                r.listener().onComplete(new AsyncEvent(context, r.request(), r.response()));
            } catch (IOException | RuntimeException e) {
                app.log().warn(ServletMessages.asyncListenerFailed("onComplete", r.listener()), e);
            }
        }
    }

    // ---- internals

    /**
     * The container's turn on this request, on the thread that holds it: it loops while there is work
     * (a pending dispatch, completion, queued callbacks), then lets the thread go.
     */
    private void containerTurn() {
        while (true) {
            Runnable callback = null;
            Target target = null;
            synchronized (this) {
                switch (state) {
                    case STARTED -> {
                        state = State.WAITING;
                        armTimer();
                        continue;
                    }
                    case WAITING -> {
                        callback = callbacks.poll();
                        if (callback == null) {
                            busy = false;
                            return;
                        }
                    }
                    case DISPATCH_PENDING -> {
                        state = State.ASYNC_DISPATCHING;
                        target = pending;
                        pending = null;
                    }
                    case DISPATCHED, ASYNC_DISPATCHING, COMPLETE_PENDING -> state = State.COMPLETING;
                    default -> {
                        busy = false;
                        return;
                    }
                }
            }
            if (callback != null) {
                callback.run();
            } else if (target != null) {
                app.asyncDispatch(request, asyncRequest, asyncResponse, target);
            } else {
                try {
                    app.finishRequest(request);
                } finally {
                    synchronized (this) {
                        state = State.COMPLETED;
                        callbacks.clear();
                        busy = false;
                    }
                }
                return;
            }
        }
    }

    /** The state changed while the request may be idle: take a container thread to act on it. */
    private void kick() {
        synchronized (this) {
            if (busy) {
                return; // the thread holding the request sees the new state when its turn loops
            }
            busy = true;
        }
        app.executor().execute(this::containerTurn);
    }

    /** Runs {@code work} on a container thread in the request's next turn. */
    private void schedule(Runnable work) {
        synchronized (this) {
            callbacks.add(work);
            if (busy) {
                return;
            }
            busy = true;
        }
        app.executor().execute(this::containerTurn);
    }

    private void armTimer() {
        if (timeoutMillis <= 0) {
            return;
        }
        int armedFor = cycle;
        timer = app.timers().schedule(() -> schedule(() -> app.withClassLoader(() -> timedOut(armedFor))),
                timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void timedOut(int armedFor) {
        List<Registered> notify;
        synchronized (this) {
            if (state != State.WAITING || cycle != armedFor) {
                return;
            }
            notify = new ArrayList<>(listeners);
        }
        for (Registered r : notify) {
            try {
                r.listener().onTimeout(new AsyncEvent(context, r.request(), r.response()));
            } catch (IOException | RuntimeException e) {
                app.log().warn(ServletMessages.asyncListenerFailed("onTimeout", r.listener()), e);
            }
        }
        boolean unhandled;
        synchronized (this) {
            unhandled = state == State.WAITING && cycle == armedFor;
            if (unhandled) {
                state = State.COMPLETE_PENDING;
            }
        }
        if (unhandled) {
            app.log().debug(ServletMessages.asyncTimedOut(request.getRequestURI(), timeoutMillis));
            app.errorAfterAsync(request, null);
        }
    }

    private void peerGone() {
        synchronized (this) {
            if (state == State.COMPLETING || state == State.COMPLETED) {
                return;
            }
        }
        schedule(() -> {
            boolean waiting;
            synchronized (this) {
                waiting = state == State.WAITING;
            }
            if (waiting) {
                app.withClassLoader(() -> error(new IOException(ServletMessages.peerGoneDuringAsync())));
            }
        });
    }
}
