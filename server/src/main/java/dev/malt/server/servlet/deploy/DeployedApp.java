package dev.malt.server.servlet.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What deployment hands the container for one context: the merged model, the class loader and where
 * the app's files are. Closing it closes the class loader; the unpacked files stay for the next start.
 *
 * @param contextPath   {@code ""} for the root, else {@code /name}
 * @param source        what the operator named: the .war file, the exploded directory, or the app
 *                      directory of a plain servlet app
 * @param model         the merged descriptors and annotations
 * @param classLoader   the context's class loader
 * @param resourceRoots directories whose files are the app's static resources, first match wins: the
 *                      WAR's root, then each WEB-INF/lib jar's META-INF/resources (extracted), in jar order
 * @param tempDir       the context's private temp directory ({@code jakarta.servlet.context.tempdir}),
 *                      emptied at each start
 */
public record DeployedApp(String contextPath, Path source, WebAppModel model, WebAppClassLoader classLoader,
                          List<Path> resourceRoots, Path tempDir) implements AutoCloseable {

    public DeployedApp {
        resourceRoots = List.copyOf(resourceRoots);
    }

    /** The WAR's root directory (unpacked), or the app directory; {@code getRealPath} resolves here. */
    public Path root() {
        return resourceRoots.get(0);
    }

    @Override
    public void close() {
        try {
            classLoader.close();
        } catch (IOException e) {
            // jar handles close with the JVM at worst
        }
    }
}
