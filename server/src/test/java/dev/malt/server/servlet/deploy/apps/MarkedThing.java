package dev.malt.server.servlet.deploy.apps;

@PluginMarker
public class MarkedThing {
}
