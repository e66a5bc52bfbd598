package dev.malt.server.servlet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One context to deploy in a worker: a WAR (file or exploded directory) or a plain servlet class, at a
 * context path.
 *
 * @param contextPath  {@code ""} for the root, else {@code /name}
 * @param war          the .war file or exploded directory, or {@code null} for a servlet class
 * @param servletClass the servlet class of a plain app, or {@code null} for a WAR
 * @param classpath    a plain app's classpath entries (jars, directories, globs)
 * @param baseDir      what relative classpath entries and resources resolve against
 * @param initParams   a plain app's init parameters
 */
public record ContextSpec(String contextPath, Path war, String servletClass, List<String> classpath, Path baseDir,
                          Map<String, String> initParams) {

    public ContextSpec {
        classpath = classpath == null ? List.of() : List.copyOf(classpath);
        initParams = initParams == null ? Map.of() : Map.copyOf(initParams);
    }

    public static ContextSpec war(String contextPath, Path war) {
        return new ContextSpec(contextPath, war, null, List.of(), war.getParent(), Map.of());
    }

    public static ContextSpec servlet(String contextPath, String servletClass, List<String> classpath, Path baseDir,
                                      Map<String, String> initParams) {
        return new ContextSpec(contextPath, null, servletClass, classpath, baseDir, initParams);
    }

    public boolean isWar() {
        return war != null;
    }
}
