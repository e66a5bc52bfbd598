package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.deploy.Descriptor.FilterDecl;
import dev.malt.server.servlet.deploy.Descriptor.FilterMappingDecl;
import dev.malt.server.servlet.deploy.Descriptor.ServletDecl;
import dev.malt.server.servlet.deploy.Descriptor.ServletMappingDecl;
import io.github.classgraph.AnnotationInfo;
import io.github.classgraph.ClassInfo;
import jakarta.servlet.DispatcherType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The servlet annotations, read from class files (spec 8.1): {@code @WebServlet}, {@code @WebFilter} and
 * {@code @WebListener} of one classpath element become a {@link Descriptor} that the merge treats with
 * the annotation rules; {@code @MultipartConfig}, {@code @RunAs}, {@code @DeclareRoles} and
 * {@code @ServletSecurity} complete the servlets declared anywhere, by their class.
 */
final class WebAnnotations {

    private static final String PACKAGE = "jakarta.servlet.annotation.";
    static final String WEB_SERVLET = PACKAGE + "WebServlet";
    static final String WEB_FILTER = PACKAGE + "WebFilter";
    static final String WEB_LISTENER = PACKAGE + "WebListener";
    static final String MULTIPART_CONFIG = PACKAGE + "MultipartConfig";
    static final String SERVLET_SECURITY = PACKAGE + "ServletSecurity";
    static final String RUN_AS = "jakarta.annotation.security.RunAs";
    static final String DECLARE_ROLES = "jakarta.annotation.security.DeclareRoles";

    private WebAnnotations() {
    }

    /**
     * The {@code @WebServlet}, {@code @WebFilter} and {@code @WebListener} classes of one classpath element.
     *
     * @param source how messages name the element: {@code shop.war!/WEB-INF/classes}
     */
    static Descriptor read(ClassScan scan, Path element, String source) throws AppLoadException {
        Descriptor descriptor = new Descriptor("annotations in " + source);
        for (ClassInfo info : scan.annotatedIn(WEB_SERVLET, element)) {
            readServlet(descriptor, info);
        }
        for (ClassInfo info : scan.annotatedIn(WEB_FILTER, element)) {
            readFilter(descriptor, info);
        }
        for (ClassInfo info : scan.annotatedIn(WEB_LISTENER, element)) {
            if (!descriptor.listeners.contains(info.getName())) {
                descriptor.listeners.add(info.getName());
            }
        }
        return descriptor;
    }

    private static void readServlet(Descriptor descriptor, ClassInfo info) throws AppLoadException {
        String className = info.getName();
        AnnotationInfo annotation = info.getAnnotationInfo(WEB_SERVLET);
        String name = stringOr(ClassScan.parameter(annotation, "name"), className);
        List<String> patterns = patterns(annotation, "@WebServlet", className);
        ServletDecl previous = descriptor.servlets.get(name);
        if (previous != null) {
            throw new AppLoadException(DeployMessages.duplicateAnnotatedName("@WebServlet", name, previous.className,
                    className));
        }
        ServletDecl servlet = new ServletDecl(name, 0);
        servlet.className = className;
        readInitParams(annotation, servlet.initParams);
        Object loadOnStartup = ClassScan.parameter(annotation, "loadOnStartup");
        if (loadOnStartup instanceof Integer value && value >= 0) {
            servlet.loadOnStartup = value;
        }
        Object async = ClassScan.parameter(annotation, "asyncSupported");
        if (async instanceof Boolean value) {
            servlet.asyncSupported = value;
        }
        descriptor.servlets.put(name, servlet);
        if (!patterns.isEmpty()) {
            descriptor.servletMappings.add(new ServletMappingDecl(name, patterns, descriptor.source, 0));
        }
    }

    private static void readFilter(Descriptor descriptor, ClassInfo info) throws AppLoadException {
        String className = info.getName();
        AnnotationInfo annotation = info.getAnnotationInfo(WEB_FILTER);
        String name = stringOr(ClassScan.parameter(annotation, "filterName"), className);
        FilterDecl previous = descriptor.filters.get(name);
        if (previous != null) {
            throw new AppLoadException(DeployMessages.duplicateAnnotatedName("@WebFilter", name, previous.className,
                    className));
        }
        FilterDecl filter = new FilterDecl(name, 0);
        filter.className = className;
        readInitParams(annotation, filter.initParams);
        Object async = ClassScan.parameter(annotation, "asyncSupported");
        if (async instanceof Boolean value) {
            filter.asyncSupported = value;
        }
        descriptor.filters.put(name, filter);
        List<String> patterns = patterns(annotation, "@WebFilter", className);
        List<String> servletNames = ClassScan.strings(ClassScan.parameter(annotation, "servletNames"));
        Set<DispatcherType> dispatchers = EnumSet.noneOf(DispatcherType.class);
        for (Object value : ClassScan.values(ClassScan.parameter(annotation, "dispatcherTypes"))) {
            dispatchers.add(DispatcherType.valueOf(ClassScan.enumName(value)));
        }
        if (!patterns.isEmpty() || !servletNames.isEmpty()) {
            descriptor.filterMappings.add(new FilterMappingDecl(name, patterns, servletNames, dispatchers,
                    descriptor.source, 0));
        }
    }

    /** {@code value} or {@code urlPatterns}: the spec forbids both at once. */
    private static List<String> patterns(AnnotationInfo annotation, String kind, String className)
            throws AppLoadException {
        List<String> value = ClassScan.strings(ClassScan.parameter(annotation, "value"));
        List<String> urlPatterns = ClassScan.strings(ClassScan.parameter(annotation, "urlPatterns"));
        if (!value.isEmpty() && !urlPatterns.isEmpty()) {
            throw new AppLoadException(DeployMessages.valueAndUrlPatterns(kind, className));
        }
        List<String> patterns = value.isEmpty() ? urlPatterns : value;
        for (String pattern : patterns) {
            String problem = UrlPatterns.problem(pattern);
            if (problem != null) {
                throw new AppLoadException(DeployMessages.badAnnotatedPattern(kind, className, pattern, problem));
            }
        }
        return patterns;
    }

    private static void readInitParams(AnnotationInfo annotation, Map<String, String> into) {
        for (Object value : ClassScan.values(ClassScan.parameter(annotation, "initParams"))) {
            if (value instanceof AnnotationInfo param) {
                into.put(stringOr(ClassScan.parameter(param, "name"), ""),
                        stringOr(ClassScan.parameter(param, "value"), ""));
            }
        }
    }

    // ---- annotations completing declared servlets

    /** {@code @MultipartConfig} on the servlet class, or {@code null}. */
    static MultipartConfigModel multipartConfig(ClassScan scan, String className) {
        AnnotationInfo annotation = scan.annotation(className, MULTIPART_CONFIG, false);
        if (annotation == null) {
            return null;
        }
        return new MultipartConfigModel(stringOr(ClassScan.parameter(annotation, "location"), ""),
                longOr(ClassScan.parameter(annotation, "maxFileSize"), -1),
                longOr(ClassScan.parameter(annotation, "maxRequestSize"), -1),
                (int) longOr(ClassScan.parameter(annotation, "fileSizeThreshold"), 0));
    }

    /** {@code @RunAs} on the servlet class, or {@code null}. */
    static String runAs(ClassScan scan, String className) {
        AnnotationInfo annotation = scan.annotation(className, RUN_AS, false);
        return annotation == null ? null : stringOr(ClassScan.parameter(annotation, "value"), null);
    }

    /** {@code @DeclareRoles} on the servlet class. */
    static List<String> declaredRoles(ClassScan scan, String className) {
        AnnotationInfo annotation = scan.annotation(className, DECLARE_ROLES, false);
        return annotation == null ? List.of() : ClassScan.strings(ClassScan.parameter(annotation, "value"));
    }

    /**
     * {@code @ServletSecurity} on the servlet class or a superclass, as security constraints for the given
     * patterns (spec 13.4.1.3), or an empty list.
     */
    static List<SecurityConstraintModel> servletSecurity(ClassScan scan, String className, List<String> patterns) {
        AnnotationInfo annotation = scan.annotation(className, SERVLET_SECURITY, true);
        if (annotation == null || patterns.isEmpty()) {
            return List.of();
        }
        Object value = ClassScan.parameter(annotation, "value");
        Constraint general = value instanceof AnnotationInfo info ? Constraint.of(info, "value")
                : Constraint.DEFAULT;
        List<String> methods = new ArrayList<>();
        List<SecurityConstraintModel> constraints = new ArrayList<>();
        boolean anyMethodConstraintNonDefault = false;
        for (Object item : ClassScan.values(ClassScan.parameter(annotation, "httpMethodConstraints"))) {
            if (!(item instanceof AnnotationInfo info)) {
                continue;
            }
            String method = stringOr(ClassScan.parameter(info, "value"), "");
            Constraint constraint = Constraint.of(info, "emptyRoleSemantic");
            anyMethodConstraintNonDefault |= !constraint.equals(Constraint.DEFAULT);
            methods.add(method);
            constraints.add(constraint.toModel(new SecurityConstraintModel.WebResourceCollection(patterns,
                    List.of(method), List.of())));
        }
        if (methods.isEmpty()) {
            constraints.add(general.toModel(new SecurityConstraintModel.WebResourceCollection(patterns, List.of(),
                    List.of())));
        } else if (!(general.equals(Constraint.DEFAULT) && anyMethodConstraintNonDefault)) {
            constraints.add(0, general.toModel(new SecurityConstraintModel.WebResourceCollection(patterns,
                    List.of(), methods)));
        }
        return constraints;
    }

    /** The shared model of {@code @HttpConstraint} and {@code @HttpMethodConstraint}. */
    private record Constraint(boolean deny, List<String> roles, String transportGuarantee) {

        static final Constraint DEFAULT = new Constraint(false, List.of(), "NONE");

        static Constraint of(AnnotationInfo info, String semanticParameter) {
            Object semantic = ClassScan.parameter(info, semanticParameter);
            Object guarantee = ClassScan.parameter(info, "transportGuarantee");
            return new Constraint(semantic != null && ClassScan.enumName(semantic).equals("DENY"),
                    ClassScan.strings(ClassScan.parameter(info, "rolesAllowed")),
                    guarantee == null ? "NONE" : ClassScan.enumName(guarantee));
        }

        /** PERMIT without roles: no auth-constraint; DENY: an empty one; roles: those. */
        SecurityConstraintModel toModel(SecurityConstraintModel.WebResourceCollection collection) {
            List<String> authRoles = !roles.isEmpty() ? roles : deny ? List.of() : null;
            return new SecurityConstraintModel(List.of(collection), authRoles, transportGuarantee);
        }
    }

    private static String stringOr(Object value, String fallback) {
        return value == null || value.toString().isEmpty() ? fallback : value.toString();
    }

    private static long longOr(Object value, long fallback) {
        return value instanceof Number number ? number.longValue() : fallback;
    }
}
