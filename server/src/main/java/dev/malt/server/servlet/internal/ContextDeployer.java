package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.ContextSpec;
import dev.malt.server.servlet.core.ServletHolder;
import dev.malt.server.servlet.core.WebApp;
import dev.malt.server.servlet.deploy.DeployedApp;
import dev.malt.server.servlet.deploy.WebAppClassLoader;
import dev.malt.server.servlet.deploy.WebAppModel;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.Servlet;
import jakarta.servlet.annotation.MultipartConfig;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns a {@link ContextSpec} into a {@link DeployedApp}: a WAR through the deployment readers, or a
 * plain servlet class with its classpath. A plain app's servlet is created here, so a bad class name
 * or classpath gets the detailed messages of {@link ServletInstantiator}; it is then registered at
 * {@code /*} like a servlet the app had added itself, with its {@code @MultipartConfig} if it has one.
 */
public final class ContextDeployer {

    /** A deployed context, and what the container must add to it at startup. */
    public record Deployment(DeployedApp deployed, WebApp.ContainerFeature feature) {
    }

    private ContextDeployer() {
    }

    public static Deployment deploy(String appName, ContextSpec spec, Path stateDir) throws AppLoadException {
        if (spec.isWar()) {
            throw new AppLoadException("App '" + appName + "': deploying a WAR (" + spec.war()
                    + ") needs the deployment readers, which are not in this build yet");
        }
        return deployServlet(appName, spec);
    }

    private static Deployment deployServlet(String appName, ContextSpec spec) throws AppLoadException {
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
        String contextPath = normalizeContextPath(spec.contextPath());
        List<Path> classpath = ClasspathResolver.resolve(spec.classpath(), baseDir);
        WebAppClassLoader loader = new WebAppClassLoader("malt-app:" + appName, urls(classpath));
        Path tempDir;
        try {
            tempDir = Files.createTempDirectory("malt-" + appName.replaceAll("[^A-Za-z0-9._-]", "_") + "-");
        } catch (IOException e) {
            closeQuietly(loader);
            throw new AppLoadException(ServletMessages.tempDirFailed(appName, e), e);
        }
        WebAppModel model = new WebAppModel(appName, 6, 1, true, null, spec.initParams(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), Map.of(), Map.of(), null, null, null, List.of(), null,
                List.of(), false, null, List.of(), null);
        DeployedApp deployed = new DeployedApp(contextPath, baseDir, model, loader, List.of(baseDir), tempDir);
        Servlet servlet;
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            servlet = new ServletInstantiator(className, loader, spec.classpath(), classpath).instantiate();
        } catch (AppLoadException | RuntimeException | Error e) {
            deployed.close();
            deleteQuietly(tempDir);
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
        Map<String, String> initParams = spec.initParams();
        WebApp.ContainerFeature register = app -> {
            ServletHolder holder = app.addServlet(appName, className, null, servlet);
            holder.setInitParameters(initParams);
            holder.setLoadOnStartup(1);
            holder.setAsyncSupported(true);
            // Malt deploys the plain servlet as a WAR deployer would its annotated class
            MultipartConfig multipart = servlet.getClass().getAnnotation(MultipartConfig.class);
            if (multipart != null) {
                holder.setMultipartConfig(new MultipartConfigElement(multipart));
            }
            holder.addMapping("/*");
        };
        return new Deployment(deployed, register);
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

    private static void closeQuietly(WebAppClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    public static void deleteQuietly(Path directory) {
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
