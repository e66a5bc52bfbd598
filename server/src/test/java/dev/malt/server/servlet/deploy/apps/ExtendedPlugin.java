package dev.malt.server.servlet.deploy.apps;

public interface ExtendedPlugin extends Plugin {
}
