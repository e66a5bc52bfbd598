package dev.malt.server.servlet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a worker needs to host one servlet app, taken from the app's config. Kept apart from the spec
 * implementations, as a deployment description.
 *
 * @param appName      the app's name, for logs and {@code ServletContext#getServletContextName()}
 * @param servletClass fully qualified class name of the servlet to mount
 * @param classpath    classpath entries as the operator wrote them: jars, directories or globs
 *                     ({@code lib/*.jar}); relative entries resolve against {@code baseDir}
 * @param baseDir      directory relative classpath entries resolve against (the app's chdir)
 * @param contextPath  where the app is mounted: {@code ""} for the root, else {@code /shop}
 * @param initParams   servlet init parameters
 */
public record ServletAppSpec(
        String appName,
        String servletClass,
        List<String> classpath,
        Path baseDir,
        String contextPath,
        Map<String, String> initParams) {

    public ServletAppSpec {
        classpath = List.copyOf(classpath);
        initParams = Map.copyOf(initParams);
    }
}
