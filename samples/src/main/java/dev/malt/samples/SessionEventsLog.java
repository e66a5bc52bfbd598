package dev.malt.samples;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends a line per session created or destroyed ({@code destroyed ID PID}) to the file named by the
 * context parameter {@code session-events-file}: one file for every worker, so a test sees which worker
 * heard what. Each line is one append (O_APPEND): lines of several workers never mix.
 */
public class SessionEventsLog implements HttpSessionListener {

    public static final String FILE_PARAMETER = "session-events-file";

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        append(event.getSession().getServletContext(), "created " + event.getSession().getId());
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        append(event.getSession().getServletContext(), "destroyed " + event.getSession().getId());
    }

    private static void append(ServletContext context, String event) {
        String file = context.getInitParameter(FILE_PARAMETER);
        if (file == null) {
            return;
        }
        byte[] line = (event + " " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.write(Path.of(file), line, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
