package dev.malt.server.servlet.deploy.apps;

import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

@WebListener
public class AnnotatedListener implements ServletContextListener {
}
