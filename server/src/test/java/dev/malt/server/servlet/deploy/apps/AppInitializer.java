package dev.malt.server.servlet.deploy.apps;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.annotation.HandlesTypes;

import java.util.Set;

@HandlesTypes({Plugin.class, BasePlugin.class, PluginMarker.class})
public class AppInitializer implements ServletContainerInitializer {
    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
    }
}
