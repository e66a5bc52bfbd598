package dev.malt.server.servlet.core;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.deploy.ServletModel;
import dev.malt.server.servlet.internal.ServletMessages;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContainerInitializer;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * JSP pages through Apache Jasper, as Jetty does it: Jasper runs on the container's side (its classes
 * come from Malt's class path, visible to the app through {@code ContainerApiClassLoader}), compiles
 * pages against the app's class loader with the Eclipse compiler, and keeps the generated classes in
 * the context's temp dir. Only a context that has pages pays for it: Jasper's startup scans every jar
 * for tag libraries.
 */
public final class JspSupport {

    /** Jasper's servlet; it also serves {@code jsp-file} servlets through its {@code jspFile} init parameter. */
    public static final String JSP_SERVLET_CLASS = "org.apache.jasper.servlet.JspServlet";
    private static final String INITIALIZER_CLASS = "org.apache.jasper.servlet.JasperInitializer";
    private static final String INSTANCE_MANAGER = "org.apache.tomcat.InstanceManager";
    private static final String SIMPLE_INSTANCE_MANAGER = "org.apache.tomcat.SimpleInstanceManager";
    private static final String JAR_SCANNER = "org.apache.tomcat.JarScanner";
    private static final String STANDARD_JAR_SCANNER = "org.apache.tomcat.util.scan.StandardJarScanner";

    /** How far the look for pages goes: a WAR is small; a plain app's directory may not be. */
    private static final int MAX_DEPTH = 16;
    private static final int MAX_FILES = 50_000;

    private JspSupport() {
    }

    /** The container feature: JSP for contexts that have pages, nothing for the others. */
    public static void configure(WebApp app) throws AppLoadException {
        if (!hasPages(app)) {
            return;
        }
        ClassLoader container = JspSupport.class.getClassLoader();
        Servlet servlet;
        ServletContainerInitializer initializer;
        Object instanceManager;
        Object jarScanner;
        try {
            servlet = (Servlet) Class.forName(JSP_SERVLET_CLASS, true, container).getDeclaredConstructor().newInstance();
            initializer = (ServletContainerInitializer) Class.forName(INITIALIZER_CLASS, true, container)
                    .getDeclaredConstructor().newInstance();
            instanceManager = Class.forName(SIMPLE_INSTANCE_MANAGER, true, container)
                    .getDeclaredConstructor().newInstance();
            // Tag libraries live in WEB-INF and its jars; the container's own jars hold none worth a scan.
            jarScanner = Class.forName(STANDARD_JAR_SCANNER, true, container).getDeclaredConstructor().newInstance();
            jarScanner.getClass().getMethod("setScanClassPath", boolean.class).invoke(jarScanner, false);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new AppLoadException(ServletMessages.jasperMissing(app.appName(), e), e);
        }
        app.context().setAttributeQuietly(INSTANCE_MANAGER, instanceManager);
        app.context().setAttributeQuietly(JAR_SCANNER, jarScanner);
        ServletHolder jsp = app.addContainerServlet("jsp", servlet, "*.jsp", "*.jspx");
        jsp.putInitParameter("fork", "false");
        jsp.putInitParameter("xpoweredBy", "false");
        jsp.initLoadOnStartup(3);
        app.runContainerInitializer(initializer);
    }

    /** Pages in the app's files (the WAR's root, jar resources), {@code jsp-file} servlets, or a {@code jsp-config}. */
    static boolean hasPages(WebApp app) {
        if (!app.model().jspConfig().isEmpty()) {
            return true;
        }
        for (ServletModel s : app.model().servlets()) {
            if (s.jspFile() != null) {
                return true;
            }
        }
        for (Path root : app.deployed().resourceRoots()) {
            if (containsPage(root)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsPage(Path root) {
        if (!Files.isDirectory(root)) {
            return false;
        }
        AtomicBoolean found = new AtomicBoolean();
        int[] seen = {0};
        try {
            Files.walkFileTree(root, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                    new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    Path name = dir.getFileName();
                    // classes and jars hold no pages; skipping them keeps the walk short for big apps
                    if (name != null && (name.toString().equals("classes") || name.toString().equals("lib"))
                            && dir.getParent() != null && dir.getParent().getFileName() != null
                            && dir.getParent().getFileName().toString().equals("WEB-INF")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (++seen[0] > MAX_FILES) {
                        return FileVisitResult.TERMINATE; // a plain app's directory can be anything: stay bounded
                    }
                    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                    if (name.endsWith(".jsp") || name.endsWith(".jspx") || name.endsWith(".jspf")
                            || name.endsWith(".tag") || name.endsWith(".tagx")) {
                        found.set(true);
                        return FileVisitResult.TERMINATE;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return false;
        }
        return found.get();
    }
}
