package dev.malt.server.servlet.deploy.apps;

/** A type an initializer handles, like Spring's WebApplicationInitializer. */
public interface Plugin {
}
