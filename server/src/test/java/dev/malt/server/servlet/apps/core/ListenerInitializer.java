package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;

import java.util.Set;

/** An initializer that adds a context listener, which only initializers may do (spec 4.4). */
public class ListenerInitializer implements ServletContainerInitializer {

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        Events.add(context, "initializer.onStartup");
        context.addListener(ProgrammaticContextListener.class);
    }
}
