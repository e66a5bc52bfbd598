package dev.malt.server.servlet.apps.core;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;

/**
 * Records every async event as {@code LABEL.onX}; on a timeout it completes the request when asked to,
 * and on a new async cycle it registers itself again, as listeners that want to hear on must.
 */
public class RecordingAsyncListener implements AsyncListener {

    private final ServletContext context;
    private final String label;
    private final boolean completeOnTimeout;

    public RecordingAsyncListener(ServletContext context, String label, boolean completeOnTimeout) {
        this.context = context;
        this.label = label;
        this.completeOnTimeout = completeOnTimeout;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        Events.add(context, label + ".onComplete");
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        Events.add(context, label + ".onTimeout");
        if (completeOnTimeout) {
            event.getAsyncContext().complete();
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        Throwable t = event.getThrowable();
        Events.add(context, label + ".onError " + t.getClass().getName() + ":" + t.getMessage());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        Events.add(context, label + ".onStartAsync");
        event.getAsyncContext().addListener(this);
    }
}
