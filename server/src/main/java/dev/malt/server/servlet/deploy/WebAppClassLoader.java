package dev.malt.server.servlet.deploy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * One class loader per context, webapp-first as the Servlet spec (10.7.2) recommends: WEB-INF/classes,
 * then WEB-INF/lib/*.jar in the order given, then the container. Two kinds of class never come from the
 * app, as in Tomcat: JDK classes (an app's stray xml-apis.jar must not replace {@code javax.xml}), and
 * what the container provides ({@link ContainerApiClassLoader}): the Servlet API and what compiled JSPs
 * link against. Those are looked up in the container first and fall back to the app only when the
 * container lacks the class.
 */
public final class WebAppClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final ContainerApiClassLoader containerApi;

    /**
     * @param name the loader's name, for stack traces: {@code malt-app:NAME/ctx}
     * @param urls WEB-INF/classes first, then the jars
     */
    public WebAppClassLoader(String name, URL[] urls) {
        super(name, urls, ContainerApiClassLoader.instance());
        this.containerApi = ContainerApiClassLoader.instance();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = ContainerApiClassLoader.isJdkClass(name) || ContainerApiClassLoader.isContainerClass(name)
                        ? parentThenOwn(name) : ownThenParent(name);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    private Class<?> parentThenOwn(String name) throws ClassNotFoundException {
        try {
            return containerApi.loadClass(name);
        } catch (ClassNotFoundException e) {
            if (ContainerApiClassLoader.isJdkClass(name)) {
                throw e;
            }
            return findClass(name);
        }
    }

    private Class<?> ownThenParent(String name) throws ClassNotFoundException {
        try {
            return findClass(name);
        } catch (ClassNotFoundException e) {
            return containerApi.loadClass(name);
        }
    }

    @Override
    public URL getResource(String name) {
        String dotted = (name.startsWith("/") ? name.substring(1) : name).replace('/', '.');
        if (name.endsWith(".class") && (ContainerApiClassLoader.isContainerClass(dotted)
                || ContainerApiClassLoader.isJdkClass(dotted.substring(0, dotted.length() - ".class".length())))) {
            URL url = containerApi.getResource(name);
            if (url != null) {
                return url;
            }
        }
        URL own = findResource(name);
        return own != null ? own : containerApi.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(containerApi.getResources(name)));
        return Collections.enumeration(all);
    }
}
