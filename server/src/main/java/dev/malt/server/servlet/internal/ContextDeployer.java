package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.ContextSpec;
import dev.malt.server.servlet.core.ServletHolder;
import dev.malt.server.servlet.core.WebApp;
import dev.malt.server.servlet.deploy.DeployedApp;
import dev.malt.server.servlet.deploy.WebAppDeployer;
import dev.malt.server.servlet.deploy.WebAppModel;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.Servlet;
import jakarta.servlet.annotation.MultipartConfig;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
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
        WebAppDeployer deployer = new WebAppDeployer(WebAppDeployer.Limits.DEFAULTS);
        if (spec.isWar()) {
            return new Deployment(deployer.deploy(appName, spec.contextPath(), spec.war(), stateDir), null);
        }
        DeployedApp plain = deployer.deployServletClass(appName, spec.contextPath(), spec.servletClass(),
                spec.classpath(), spec.baseDir(), spec.initParams(), stateDir);
        // The servlet is created here rather than from the model, for ServletInstantiator's messages.
        WebAppModel model = new WebAppModel(appName, 6, 1, true, null, spec.initParams(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), Map.of(), Map.of(), null, null, null, List.of(), null,
                List.of(), false, null, List.of(), null);
        DeployedApp deployed = new DeployedApp(plain.contextPath(), plain.source(), model, plain.classLoader(),
                plain.resourceRoots(), plain.tempDir());
        String className = spec.servletClass().trim();
        Servlet servlet;
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(deployed.classLoader());
        try {
            servlet = new ServletInstantiator(className, deployed.classLoader(), spec.classpath(),
                    searched(deployed.classLoader())).instantiate();
        } catch (AppLoadException | RuntimeException | Error e) {
            deployed.close();
            deleteQuietly(deployed.tempDir());
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

    private static List<Path> searched(URLClassLoader loader) {
        List<Path> paths = new ArrayList<>();
        for (URL url : loader.getURLs()) {
            try {
                paths.add(Path.of(url.toURI()));
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a file: nothing to name in a message
            }
        }
        return paths;
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
