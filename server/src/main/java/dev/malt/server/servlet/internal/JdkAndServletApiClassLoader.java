package dev.malt.server.servlet.internal;

import jakarta.servlet.Servlet;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;

/**
 * The parent of every app class loader. It shows the app exactly two things: the JDK (every package
 * of the {@code java.*} and {@code jdk.*} modules, whichever built-in loader defines it) and the
 * Jakarta Servlet API that Malt implements. Malt's own libraries (Netty, logback, slf4j...) stay
 * invisible, so an app can bring its own versions without clashes.
 */
final class JdkAndServletApiClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** The packages of Malt's servlet-api jar; jakarta.servlet.jsp and others belong to the app. */
    private static final Set<String> SERVLET_API_PACKAGES = Set.of(
            "jakarta.servlet", "jakarta.servlet.http", "jakarta.servlet.annotation", "jakarta.servlet.descriptor");

    private static final Set<String> JDK_PACKAGES = jdkPackages();

    private final ClassLoader servletApi = Servlet.class.getClassLoader();
    /** Sees every JDK module, including the few defined to the application loader. */
    private final ClassLoader jdk = ClassLoader.getSystemClassLoader();

    JdkAndServletApiClassLoader() {
        super("malt-jdk-and-servlet-api", null);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        String packageName = packageOf(name, '.');
        if (SERVLET_API_PACKAGES.contains(packageName)) {
            return servletApi.loadClass(name);
        }
        if (JDK_PACKAGES.contains(packageName)) {
            return jdk.loadClass(name);
        }
        throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
        return isServletApiResource(name) ? servletApi.getResource(name) : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return isServletApiResource(name) ? servletApi.getResources(name) : Collections.emptyEnumeration();
    }

    private static boolean isServletApiResource(String name) {
        String path = name.startsWith("/") ? name.substring(1) : name;
        return SERVLET_API_PACKAGES.contains(packageOf(path, '/').replace('/', '.'));
    }

    private static String packageOf(String name, char separator) {
        int last = name.lastIndexOf(separator);
        return last < 0 ? "" : name.substring(0, last);
    }

    private static Set<String> jdkPackages() {
        Set<String> packages = new HashSet<>();
        for (Module module : ModuleLayer.boot().modules()) {
            ModuleDescriptor descriptor = module.getDescriptor();
            String name = descriptor.name();
            if (name.startsWith("java.") || name.startsWith("jdk.")) {
                packages.addAll(descriptor.packages());
            }
        }
        return Set.copyOf(packages);
    }
}
