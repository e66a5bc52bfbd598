package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.core.Dispatcher;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import java.io.IOException;

/** A {@link RequestDispatcher} for a path or a named servlet; the rules are {@link Dispatcher}'s. */
public final class MaltRequestDispatcher implements RequestDispatcher {

    private final Dispatcher dispatcher;
    private final Dispatcher.Target target;

    public MaltRequestDispatcher(Dispatcher dispatcher, Dispatcher.Target target) {
        this.dispatcher = dispatcher;
        this.target = target;
    }

    @Override
    public void forward(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        dispatcher.forward(target, request, response);
    }

    @Override
    public void include(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        dispatcher.include(target, request, response);
    }
}
