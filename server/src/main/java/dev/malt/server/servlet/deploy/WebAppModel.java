package dev.malt.server.servlet.deploy;

import java.util.List;
import java.util.Map;

/**
 * One web application as its descriptors and annotations describe it, merged: web.xml, the ordered
 * web-fragment.xml files and the {@code @Web*} annotations, per the Servlet 6.1 merge rules. Plain and
 * immutable: it holds names, never loaded classes, so it can be built, inspected and tested without
 * starting anything. The container ({@code servlet.core.WebApp}) is built from it; programmatic
 * registration at startup adds to the container, never to this model.
 *
 * @param displayName              {@code display-name}, or {@code null}
 * @param majorVersion             the schema version the app declared (web.xml {@code version}), 6 when absent
 * @param minorVersion             its minor part, 1 when absent
 * @param metadataComplete         web.xml said {@code metadata-complete="true"}: no annotation scan, no fragments
 * @param defaultContextPath       {@code default-context-path}, or {@code null}
 * @param contextParams            {@code context-param}s in document order
 * @param servlets                 declared servlets, each with its URL patterns
 * @param filters                  declared filters
 * @param filterMappings           filter mappings in the order the spec says they apply
 * @param listeners                listener class names in order
 * @param errorPages               error pages by code, by exception type, and the default one
 * @param welcomeFiles             welcome files; {@code null} when the app declared none (the container's defaults apply)
 * @param mimeMappings             extension (without dot, lower case) to MIME type
 * @param localeEncodingMappings   locale to charset ({@code locale-encoding-mapping-list})
 * @param sessionConfig            {@code session-config}
 * @param requestCharacterEncoding {@code request-character-encoding}, or {@code null}
 * @param responseCharacterEncoding {@code response-character-encoding}, or {@code null}
 * @param securityConstraints      {@code security-constraint}s and {@code @ServletSecurity}, in order
 * @param loginConfig              {@code login-config}, or {@code null}
 * @param securityRoles            declared role names ({@code security-role}, {@code @DeclareRoles})
 * @param denyUncoveredHttpMethods {@code deny-uncovered-http-methods}
 * @param jspConfig                {@code jsp-config}
 * @param initializers             {@code ServletContainerInitializer}s found in the app, in the order to run them
 * @param orderedLibs              jar file names of WEB-INF/lib in fragment order, for the
 *                                 {@code jakarta.servlet.context.orderedLibs} attribute; {@code null} without
 *                                 absolute or relative ordering
 */
public record WebAppModel(
        String displayName,
        int majorVersion,
        int minorVersion,
        boolean metadataComplete,
        String defaultContextPath,
        Map<String, String> contextParams,
        List<ServletModel> servlets,
        List<FilterModel> filters,
        List<FilterMappingModel> filterMappings,
        List<String> listeners,
        List<ErrorPageModel> errorPages,
        List<String> welcomeFiles,
        Map<String, String> mimeMappings,
        Map<String, String> localeEncodingMappings,
        SessionConfigModel sessionConfig,
        String requestCharacterEncoding,
        String responseCharacterEncoding,
        List<SecurityConstraintModel> securityConstraints,
        LoginConfigModel loginConfig,
        List<String> securityRoles,
        boolean denyUncoveredHttpMethods,
        JspConfigModel jspConfig,
        List<InitializerModel> initializers,
        List<String> orderedLibs) {

    public WebAppModel {
        contextParams = Collections2.orderedCopy(contextParams);
        servlets = List.copyOf(servlets);
        filters = List.copyOf(filters);
        filterMappings = List.copyOf(filterMappings);
        listeners = List.copyOf(listeners);
        errorPages = List.copyOf(errorPages);
        welcomeFiles = welcomeFiles == null ? null : List.copyOf(welcomeFiles);
        mimeMappings = Collections2.orderedCopy(mimeMappings);
        localeEncodingMappings = Collections2.orderedCopy(localeEncodingMappings);
        securityConstraints = List.copyOf(securityConstraints);
        securityRoles = List.copyOf(securityRoles);
        initializers = List.copyOf(initializers);
        orderedLibs = orderedLibs == null ? null : List.copyOf(orderedLibs);
        if (sessionConfig == null) {
            sessionConfig = SessionConfigModel.DEFAULT;
        }
        if (jspConfig == null) {
            jspConfig = JspConfigModel.EMPTY;
        }
    }

    /** A model for one servlet class mapped at {@code pattern}: what {@code servlet = ...} in an INI file means. */
    public static WebAppModel singleServlet(String appName, String servletClass, String pattern,
                                            Map<String, String> initParams) {
        ServletModel servlet = new ServletModel(appName, servletClass, null, initParams, 1, true, true, null,
                null, Map.of(), List.of(pattern));
        return new WebAppModel(appName, 6, 1, true, null, initParams, List.of(servlet), List.of(), List.of(),
                List.of(), List.of(), List.of(), Map.of(), Map.of(), null, null, null, List.of(), null, List.of(),
                false, null, List.of(), null);
    }

    /** The servlet with this name, or {@code null}. */
    public ServletModel servlet(String name) {
        for (ServletModel servlet : servlets) {
            if (servlet.name().equals(name)) {
                return servlet;
            }
        }
        return null;
    }
}
