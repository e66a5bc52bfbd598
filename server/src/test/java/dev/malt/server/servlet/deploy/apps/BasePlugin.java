package dev.malt.server.servlet.deploy.apps;

public abstract class BasePlugin {
}
