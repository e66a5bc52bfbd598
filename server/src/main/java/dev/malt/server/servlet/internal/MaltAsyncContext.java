package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.core.AsyncStateMachine;
import dev.malt.server.servlet.core.WebApp;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/** The app's handle on an async request; every rule lives in {@link AsyncStateMachine}. */
public final class MaltAsyncContext implements AsyncContext {

    private final AsyncStateMachine machine;

    public MaltAsyncContext(AsyncStateMachine machine) {
        this.machine = machine;
    }

    @Override
    public ServletRequest getRequest() {
        return machine.asyncRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return machine.asyncResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return machine.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        machine.dispatch(new AsyncStateMachine.Target(null, null));
    }

    @Override
    public void dispatch(String path) {
        if (path == null) {
            throw new IllegalArgumentException(ServletMessages.dispatchPathInvalid(null));
        }
        machine.dispatch(new AsyncStateMachine.Target(null, path));
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        if (path == null) {
            throw new IllegalArgumentException(ServletMessages.dispatchPathInvalid(null));
        }
        WebApp target = context instanceof MaltServletContext malt ? malt.app() : null;
        if (target == null) {
            throw new IllegalArgumentException(ServletMessages.foreignContext());
        }
        machine.dispatch(new AsyncStateMachine.Target(target, path));
    }

    @Override
    public void complete() {
        machine.complete();
    }

    @Override
    public void start(Runnable run) {
        machine.start(run);
    }

    @Override
    public void addListener(AsyncListener listener) {
        machine.addListener(listener, machine.asyncRequest(), machine.asyncResponse());
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
        machine.addListener(listener, request, response);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
        try {
            return machine.createListener(clazz);
        } catch (ReflectiveOperationException e) {
            throw new ServletException(ServletMessages.listenerCreateFailed(clazz.getName(), e), e);
        }
    }

    @Override
    public void setTimeout(long timeout) {
        machine.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return machine.timeout();
    }
}
