package dev.malt.server.servlet.deploy.apps;

/** Packed into a WEB-INF/lib jar by the tests. */
public class JarPlugin implements Plugin {
}
