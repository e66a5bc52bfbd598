package dev.malt.server.servlet.deploy;

import jakarta.servlet.Servlet;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parent of every app class loader. It shows the app the JDK (every package of the {@code java.*}
 * and {@code jdk.*} modules), the Jakarta Servlet API that Malt implements, and the parts of the
 * container that compiled JSPs link against (the JSP and EL APIs, Jasper's runtime and EL
 * implementation), as Tomcat does. Malt's own libraries (Netty, logback, slf4j, Jackson...) stay
 * invisible, so an app can bring its own versions without clashes.
 *
 * <p>Class files of those packages are also visible as resources: Jasper's compiler reads
 * {@code java/lang/Object.class} and {@code jakarta/servlet/jsp/JspPage.class} through the app's loader.
 */
public final class ContainerApiClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    /**
     * Package prefixes the container provides. {@code org.apache.tomcat.} is there for Jasper's
     * {@code InstanceManager}; an app's own {@code org.apache.tomcat.jdbc} still loads from the app,
     * because a class the container lacks falls back to the app's jars.
     */
    private static final List<String> CONTAINER_PREFIXES = List.of(
            "jakarta.servlet.", "jakarta.el.", "org.apache.jasper.", "org.apache.el.", "org.apache.tomcat.");

    private static final Set<String> JDK_PACKAGES = jdkPackages();

    private static final ContainerApiClassLoader INSTANCE = new ContainerApiClassLoader();

    private final ClassLoader container = Servlet.class.getClassLoader();
    /** Sees every JDK module, including the few defined to the application loader. */
    private final ClassLoader jdk = ClassLoader.getSystemClassLoader();

    private ContainerApiClassLoader() {
        super("malt-container-api", null);
    }

    /** One per JVM: it holds no state of any app. */
    public static ContainerApiClassLoader instance() {
        return INSTANCE;
    }

    /** Whether the class belongs to the JDK; an app can never replace those. */
    public static boolean isJdkClass(String className) {
        return JDK_PACKAGES.contains(packageOf(className, '.'));
    }

    /** Whether the container provides this package (parent first, then the app). */
    public static boolean isContainerClass(String className) {
        for (String prefix : CONTAINER_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isContainerClass(name)) {
            return container.loadClass(name);
        }
        if (isJdkClass(name)) {
            return jdk.loadClass(name);
        }
        throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
        ClassLoader source = sourceOf(name);
        return source == null ? null : source.getResource(name);
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        ClassLoader source = sourceOf(name);
        return source == null ? Collections.emptyEnumeration() : source.getResources(name);
    }

    /** The loader whose resource this is: class files and resources of container and JDK packages only. */
    private ClassLoader sourceOf(String name) {
        String path = name.startsWith("/") ? name.substring(1) : name;
        String dotted = path.replace('/', '.');
        if (isContainerClass(dotted)) {
            return container;
        }
        if (path.endsWith(".class") && JDK_PACKAGES.contains(packageOf(path, '/').replace('/', '.'))) {
            return jdk;
        }
        return null;
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
