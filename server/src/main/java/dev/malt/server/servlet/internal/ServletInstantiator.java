package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.AppLoadException;
import jakarta.servlet.Servlet;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads the app's servlet class and creates its instance, turning every way this can fail into an
 * {@link AppLoadException} that tells the operator what to fix. Runs with the app loader as thread
 * context class loader (the caller sets it), as static initializers may look it up.
 */
final class ServletInstantiator {

    private static final int MAX_SUGGESTIONS = 5;

    private final String className;
    private final ClassLoader loader;
    private final List<String> entries;
    private final List<Path> searched;

    ServletInstantiator(String className, ClassLoader loader, List<String> entries, List<Path> searched) {
        this.className = className;
        this.loader = loader;
        this.entries = entries;
        this.searched = searched;
    }

    Servlet instantiate() throws AppLoadException {
        Class<?> type = loadClass();
        checkIsServlet(type);
        Constructor<?> constructor = constructor(type);
        try {
            return (Servlet) constructor.newInstance();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NoClassDefFoundError missing) {
                throw missingClass(missing);
            }
            throw new AppLoadException(ServletMessages.constructorFailed(className, cause), cause);
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new AppLoadException(ServletMessages.staticInitFailed(className, cause), cause);
        } catch (NoClassDefFoundError e) {
            throw missingClass(e);
        } catch (IllegalAccessException e) {
            throw new AppLoadException(ServletMessages.notPublic(className), e);
        } catch (InstantiationException e) {
            throw new AppLoadException(ServletMessages.notInstantiable(className, "abstract"), e);
        } catch (LinkageError e) {
            throw new AppLoadException(ServletMessages.classLoadFailed(className, e), e);
        }
    }

    private Class<?> loadClass() throws AppLoadException {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new AppLoadException(ServletMessages.classNotFound(className, entries, searched,
                    sameSimpleName(simpleName(className))));
        } catch (UnsupportedClassVersionError e) {
            throw new AppLoadException(ServletMessages.compiledForNewerJava(className, e.getMessage()), e);
        } catch (NoClassDefFoundError e) {
            throw missingClass(e);
        } catch (LinkageError e) {
            throw new AppLoadException(ServletMessages.classLoadFailed(className, e), e);
        }
    }

    /** A superclass or a class used early is missing; javax.servlet gets its own message. */
    private AppLoadException missingClass(NoClassDefFoundError e) {
        String missing = String.valueOf(e.getMessage()).replace('/', '.');
        if (missing.startsWith("javax.servlet.")) {
            return new AppLoadException(ServletMessages.javaxServlet(className), e);
        }
        return new AppLoadException(ServletMessages.missingDependency(className, missing, searched), e);
    }

    private void checkIsServlet(Class<?> type) throws AppLoadException {
        if (!Servlet.class.isAssignableFrom(type)) {
            if (hasSupertypeIn(type, "javax.servlet.")) {
                throw new AppLoadException(ServletMessages.javaxServlet(className));
            }
            throw new AppLoadException(ServletMessages.notAServlet(className, directSupertypes(type)));
        }
        if (type.isInterface()) {
            throw new AppLoadException(ServletMessages.notInstantiable(className, "an interface"));
        }
        if (Modifier.isAbstract(type.getModifiers())) {
            throw new AppLoadException(ServletMessages.notInstantiable(className, "abstract"));
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new AppLoadException(ServletMessages.notPublic(className));
        }
    }

    private Constructor<?> constructor(Class<?> type) throws AppLoadException {
        try {
            return type.getConstructor();
        } catch (NoSuchMethodException e) {
            boolean inner = type.isMemberClass() && !Modifier.isStatic(type.getModifiers());
            throw new AppLoadException(ServletMessages.noPublicNoArgConstructor(className, inner));
        } catch (NoClassDefFoundError e) {
            throw missingClass(e);
        }
    }

    private static boolean hasSupertypeIn(Class<?> type, String packagePrefix) {
        if (type == null) {
            return false;
        }
        if (type.getName().startsWith(packagePrefix)) {
            return true;
        }
        for (Class<?> implemented : type.getInterfaces()) {
            if (hasSupertypeIn(implemented, packagePrefix)) {
                return true;
            }
        }
        return hasSupertypeIn(type.getSuperclass(), packagePrefix);
    }

    private static List<String> directSupertypes(Class<?> type) {
        List<String> names = new ArrayList<>();
        if (type.getSuperclass() != null && type.getSuperclass() != Object.class) {
            names.add(type.getSuperclass().getName());
        }
        for (Class<?> implemented : type.getInterfaces()) {
            names.add(implemented.getName());
        }
        return names;
    }

    /** Classes on the classpath with the same simple name, for a did-you-mean; only on failure. */
    private List<String> sameSimpleName(String simpleName) {
        Set<String> found = new LinkedHashSet<>();
        String fileName = simpleName + ".class";
        for (Path entry : searched) {
            if (found.size() >= MAX_SUGGESTIONS) {
                break;
            }
            if (Files.isDirectory(entry)) {
                try (Stream<Path> walk = Files.walk(entry, 32)) {
                    walk.filter(path -> path.getFileName().toString().equals(fileName))
                            .limit(MAX_SUGGESTIONS)
                            .forEach(path -> found.add(toClassName(entry.relativize(path).toString())));
                } catch (IOException | RuntimeException e) {
                    // a suggestion is a nicety; an unreadable directory is reported elsewhere
                }
            } else {
                try (JarFile jar = new JarFile(entry.toFile())) {
                    Enumeration<JarEntry> jarEntries = jar.entries();
                    while (jarEntries.hasMoreElements() && found.size() < MAX_SUGGESTIONS) {
                        String name = jarEntries.nextElement().getName();
                        if (name.equals(fileName) || name.endsWith("/" + fileName)) {
                            found.add(toClassName(name));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // not a readable jar: nothing to suggest from it
                }
            }
        }
        found.remove(className);
        return List.copyOf(found);
    }

    private static String toClassName(String relativePath) {
        String name = relativePath.replace('\\', '/');
        if (name.startsWith("META-INF/versions/")) {
            int next = name.indexOf('/', "META-INF/versions/".length());
            name = next < 0 ? name : name.substring(next + 1);
        }
        return name.substring(0, name.length() - ".class".length()).replace('/', '.');
    }

    private static String simpleName(String className) {
        return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    }
}
