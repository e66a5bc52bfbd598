package dev.malt.server.servlet.deploy.apps;

public class Unrelated {
}
