package dev.malt.server.servlet.deploy.apps;

public class ConcretePlugin extends BasePlugin {
}
