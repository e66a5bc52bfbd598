package dev.malt.server.servlet.deploy;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * {@code META-INF/services/jakarta.servlet.ServletContainerInitializer} files, read as
 * {@link java.util.ServiceLoader} reads them: one class name a line, {@code #} starts a comment.
 */
final class InitializerServices {

    static final String SERVICE_FILE = "META-INF/services/jakarta.servlet.ServletContainerInitializer";

    private InitializerServices() {
    }

    /** Adds the class names of one service file to {@code names}, keeping the first of repeated ones. */
    static void addNames(byte[] content, Set<String> names) {
        if (content == null) {
            return;
        }
        for (String line : new String(content, StandardCharsets.UTF_8).split("\\R")) {
            int comment = line.indexOf('#');
            String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (name.startsWith("\uFEFF")) {
                name = name.substring(1); // a BOM written by some editors
            }
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
    }
}
