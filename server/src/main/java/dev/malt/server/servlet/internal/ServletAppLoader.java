package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.ServletAppSpec;
import jakarta.servlet.Servlet;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts a plain servlet app: resolves its classpath, builds its class loader, creates the servlet and
 * runs {@code init()} with the app loader as thread context class loader. On any failure everything
 * built so far is released again, so a failed start leaks no open jar.
 */
public final class ServletAppLoader {

    private ServletAppLoader() {
    }

    /** A started app. {@link #release()} undoes the loader and temp dir after {@code destroy()}. */
    public record LoadedApp(Servlet servlet, MaltServletContext context, URLClassLoader loader, Path tempDir) {

        public void release() {
            try {
                loader.close();
            } catch (IOException e) {
                // jar handles close with the JVM at worst
            }
            deleteQuietly(tempDir);
        }
    }

    public static LoadedApp load(ServletAppSpec spec) throws AppLoadException {
        String appName = spec.appName();
        String className = spec.servletClass() == null ? "" : spec.servletClass().trim();
        if (className.isEmpty()) {
            throw new AppLoadException(ServletMessages.noServletClass(appName));
        }
        if (className.contains("/") || className.endsWith(".class") || className.endsWith(".java")) {
            throw new AppLoadException(ServletMessages.servletClassLooksLikePath(className));
        }
        Path baseDir = (spec.baseDir() == null ? Path.of("") : spec.baseDir()).toAbsolutePath().normalize();
        if (!Files.isDirectory(baseDir)) {
            throw new AppLoadException(ServletMessages.baseDirMissing(baseDir));
        }
        List<Path> classpath = ClasspathResolver.resolve(spec.classpath(), baseDir);
        URLClassLoader loader = new dev.malt.server.servlet.deploy.WebAppClassLoader("malt-app:" + appName,
                urls(classpath));
        Path tempDir = null;
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            tempDir = createTempDir(appName);
            Servlet servlet = new ServletInstantiator(className, loader, spec.classpath(), classpath).instantiate();
            MaltServletContext context = new MaltServletContext(appName, normalizeContextPath(spec.contextPath()),
                    baseDir, loader, spec.initParams(), tempDir);
            try {
                servlet.init(new MaltServletConfig(appName, context, spec.initParams()));
            } catch (Throwable t) {
                throw new AppLoadException(ServletMessages.initFailed(className, t), t);
            }
            return new LoadedApp(servlet, context, loader, tempDir);
        } catch (AppLoadException | RuntimeException | Error e) {
            new LoadedApp(null, null, loader, tempDir).release();
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** {@code ""} for the root; otherwise one leading '/' and no trailing one. */
    public static String normalizeContextPath(String contextPath) {
        if (contextPath == null) {
            return "";
        }
        String path = contextPath.trim();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            return "";
        }
        return path.startsWith("/") ? path : "/" + path;
    }

    private static URL[] urls(List<Path> classpath) throws AppLoadException {
        URL[] urls = new URL[classpath.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = classpath.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new AppLoadException(ServletMessages.classpathUnreadable(classpath.get(i).toString(), e), e);
            }
        }
        return urls;
    }

    private static Path createTempDir(String appName) throws AppLoadException {
        try {
            return Files.createTempDirectory("malt-" + appName.replaceAll("[^A-Za-z0-9._-]", "_") + "-");
        } catch (IOException e) {
            throw new AppLoadException(ServletMessages.tempDirFailed(appName, e), e);
        }
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort: the OS cleans its temp dir eventually
                }
            });
        } catch (IOException e) {
            // already gone
        }
    }
}
