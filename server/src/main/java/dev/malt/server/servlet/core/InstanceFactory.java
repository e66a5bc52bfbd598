package dev.malt.server.servlet.core;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Creates the app's servlets, filters and listeners: the public no-argument constructor, then the
 * {@code @PostConstruct} methods (superclass first), and {@code @PreDestroy} when they are taken out of
 * service. The annotations are matched by name ({@code jakarta.annotation} or the older
 * {@code javax.annotation}), so an app without the annotation API on its classpath costs nothing.
 * There is no resource injection: Malt has no JNDI.
 */
public final class InstanceFactory {

    private static final List<String> POST_CONSTRUCT = List.of("jakarta.annotation.PostConstruct",
            "javax.annotation.PostConstruct");
    private static final List<String> PRE_DESTROY = List.of("jakarta.annotation.PreDestroy",
            "javax.annotation.PreDestroy");

    public <T> T create(Class<T> type) throws ReflectiveOperationException {
        if (Modifier.isAbstract(type.getModifiers()) || type.isInterface()) {
            throw new InstantiationException(type.getName() + " is abstract or an interface");
        }
        Constructor<T> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        T instance;
        try {
            instance = constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw e;
        }
        invokeAnnotated(instance, POST_CONSTRUCT, false);
        return instance;
    }

    public void destroy(Object instance) {
        try {
            invokeAnnotated(instance, PRE_DESTROY, true);
        } catch (ReflectiveOperationException e) {
            // @PreDestroy failures must not stop the context from stopping
        }
    }

    private static void invokeAnnotated(Object instance, List<String> annotationNames, boolean subclassFirst)
            throws ReflectiveOperationException {
        List<Method> methods = new ArrayList<>();
        for (Class<?> c = instance.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()) && annotated(m, annotationNames)) {
                    methods.add(m);
                }
            }
        }
        if (!subclassFirst) {
            Collections.reverse(methods);
        }
        for (Method m : methods) {
            m.setAccessible(true);
            m.invoke(instance);
        }
    }

    private static boolean annotated(Method method, List<String> names) {
        for (Annotation a : method.getDeclaredAnnotations()) {
            if (names.contains(a.annotationType().getName())) {
                return true;
            }
        }
        return false;
    }
}
