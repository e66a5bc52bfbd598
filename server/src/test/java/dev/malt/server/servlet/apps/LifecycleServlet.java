package dev.malt.server.servlet.apps;

import jakarta.servlet.http.HttpServlet;

import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a marker file named by the init parameter "marker" when destroyed. */
public class LifecycleServlet extends HttpServlet {

    @Override
    public void destroy() {
        try {
            Files.writeString(Path.of(getInitParameter("marker")), "destroyed");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
