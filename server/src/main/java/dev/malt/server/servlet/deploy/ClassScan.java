package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import io.github.classgraph.AnnotationClassRef;
import io.github.classgraph.AnnotationEnumValue;
import io.github.classgraph.AnnotationInfo;
import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassInfo;
import io.github.classgraph.ClassInfoList;
import io.github.classgraph.ScanResult;

import java.io.File;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The app's classes as ClassGraph reads them from the class files: WEB-INF/classes and every WEB-INF/lib
 * jar, excluded ones included so that class hierarchies are complete. No app class is loaded or
 * initialized. The callers decide which classpath elements count for what (spec 8.2.2: excluded jars
 * give no annotations and no {@code @HandlesTypes} matches).
 */
final class ClassScan implements AutoCloseable {

    static final String HANDLES_TYPES = "jakarta.servlet.annotation.HandlesTypes";

    private final ScanResult result;

    private ClassScan(ScanResult result) {
        this.result = result;
    }

    /**
     * Scans the given directories and jars, and nothing else: no parent class loaders, no modules, no
     * jars that a manifest's {@code Class-Path} names (which could point outside the WAR).
     *
     * @param source how messages name the app
     */
    static ClassScan scan(List<Path> elements, String source) throws AppLoadException {
        Set<String> allowed = new HashSet<>();
        List<String> classpath = new ArrayList<>();
        for (Path element : elements) {
            String path = element.toAbsolutePath().normalize().toString();
            allowed.add(path);
            classpath.add(path);
        }
        try {
            ScanResult result = new ClassGraph()
                    .overrideClasspath(classpath)
                    .filterClasspathElements(path -> allowed.contains(normalize(path)))
                    .disableModuleScanning()
                    .disableNestedJarScanning()
                    .enableClassInfo()
                    .enableAnnotationInfo()
                    .enableExternalClasses()
                    .ignoreClassVisibility()
                    .scan(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
            return new ClassScan(result);
        } catch (RuntimeException e) {
            throw new AppLoadException(DeployMessages.scanFailed(source, e), e);
        }
    }

    private static String normalize(String path) {
        try {
            return Path.of(path).toAbsolutePath().normalize().toString();
        } catch (RuntimeException e) {
            return path;
        }
    }

    /** The class, if it is one of the app's (not only referenced by it). */
    ClassInfo appClass(String name) {
        ClassInfo info = result.getClassInfo(name);
        return info == null || info.isExternalClass() ? null : info;
    }

    /** The classpath element (directory or jar) a class of the app comes from. */
    static Path elementOf(ClassInfo info) {
        File file = info.getClasspathElementFile();
        return file == null ? null : file.toPath().toAbsolutePath().normalize();
    }

    /** App classes carrying the annotation directly, from one classpath element, sorted by name. */
    List<ClassInfo> annotatedIn(String annotation, Path element) {
        List<ClassInfo> found = new ArrayList<>();
        ClassInfo annotationInfo = result.getClassInfo(annotation);
        if (annotationInfo == null) {
            return found;
        }
        Path normalized = element.toAbsolutePath().normalize();
        for (ClassInfo info : result.getClassesWithAnnotation(annotation)) {
            if (!info.isExternalClass() && info.getAnnotationInfo(annotation) != null
                    && normalized.equals(elementOf(info))) {
                found.add(info);
            }
        }
        found.sort((a, b) -> a.getName().compareTo(b.getName()));
        return found;
    }

    /**
     * The annotation on the class or, for an {@code @Inherited} one, on its nearest superclass that has it.
     */
    AnnotationInfo annotation(String className, String annotation, boolean inherited) {
        ClassInfo info = appClass(className);
        if (info == null) {
            return null;
        }
        AnnotationInfo direct = info.getAnnotationInfo(annotation);
        if (direct != null || !inherited) {
            return direct;
        }
        for (ClassInfo superclass : info.getSuperclasses()) {
            AnnotationInfo found = superclass.getAnnotationInfo(annotation);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The types an initializer's {@code @HandlesTypes} names, or {@code null} without one. */
    List<String> handlesTypes(String initializerClass) {
        ClassInfo info = appClass(initializerClass);
        AnnotationInfo handles = info == null ? null : info.getAnnotationInfo(HANDLES_TYPES);
        if (handles == null) {
            return null;
        }
        List<String> types = new ArrayList<>();
        for (Object value : values(handles.getParameterValues().getValue("value"))) {
            if (value instanceof AnnotationClassRef ref) {
                types.add(ref.getName());
            }
        }
        return types;
    }

    /**
     * The app classes that extend or implement one of {@code types} anywhere in their supertypes, or carry
     * one of them as a class annotation (spec 8.2.4), excluding the named types themselves, from the
     * classpath elements {@code included} accepts; sorted by name.
     */
    List<String> matching(List<String> types, Predicate<Path> included) {
        Set<String> found = new TreeSet<>();
        for (String type : types) {
            ClassInfo info = result.getClassInfo(type);
            if (info == null) {
                continue; // nothing in the app mentions it
            }
            List<ClassInfo> candidates = new ArrayList<>();
            candidates.addAll(guarded(info::getSubclasses));
            candidates.addAll(guarded(info::getClassesImplementing));
            candidates.addAll(guarded(info::getSubinterfaces));
            candidates.addAll(guarded(info::getClassesWithAnnotation));
            for (ClassInfo candidate : candidates) {
                if (!candidate.isExternalClass() && !types.contains(candidate.getName())
                        && included.test(elementOf(candidate))) {
                    found.add(candidate.getName());
                }
            }
        }
        return List.copyOf(found);
    }

    /** ClassGraph refuses some questions for the wrong kind of type (implementors of a class...). */
    private static ClassInfoList guarded(java.util.function.Supplier<ClassInfoList> query) {
        try {
            return query.get();
        } catch (IllegalArgumentException e) {
            return ClassInfoList.emptyList();
        }
    }

    // ---- annotation values, as ClassGraph gives them: boxed values, arrays, enum and class refs, nested infos

    /** An annotation parameter, or {@code null} when the class file does not give it (the default applies). */
    static Object parameter(AnnotationInfo annotation, String name) {
        return annotation.getParameterValues(false).getValue(name);
    }

    /** An array parameter as a list; a single value as a one-element list; {@code null} as empty. */
    static List<Object> values(Object value) {
        List<Object> list = new ArrayList<>();
        if (value == null) {
            return list;
        }
        if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                list.add(Array.get(value, i));
            }
        } else {
            list.add(value);
        }
        return list;
    }

    static List<String> strings(Object value) {
        List<String> strings = new ArrayList<>();
        for (Object item : values(value)) {
            strings.add(String.valueOf(item));
        }
        return strings;
    }

    /** An enum constant's name. */
    static String enumName(Object value) {
        return value instanceof AnnotationEnumValue enumValue ? enumValue.getValueName() : String.valueOf(value);
    }

    @Override
    public void close() {
        result.close();
    }
}
