package dev.malt.server.servlet.deploy.apps;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;

import java.util.Set;

/** No @HandlesTypes: it gets null. */
public class PlainInitializer implements ServletContainerInitializer {
    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
    }
}
