package dev.malt.server.servlet.deploy.apps;

public class SubPlugin extends PluginImpl {
}
