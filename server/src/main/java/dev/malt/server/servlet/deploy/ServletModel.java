package dev.malt.server.servlet.deploy;

import java.util.List;
import java.util.Map;

/**
 * A declared servlet ({@code <servlet>}, {@code @WebServlet}) with its mappings.
 *
 * @param name            {@code servlet-name}
 * @param className       {@code servlet-class}, or {@code null} for a {@code jsp-file} servlet; both are
 *                        {@code null} when descriptors only name the servlet (to set init params or
 *                        mappings), leaving its class to {@code ServletContext#addServlet}
 * @param jspFile         {@code jsp-file} (starts with '/'), or {@code null}
 * @param initParams      {@code init-param}s in order
 * @param loadOnStartup   {@code load-on-startup}, or {@code null} when absent (initialized on first request);
 *                        negative values also mean lazy
 * @param asyncSupported  {@code async-supported}
 * @param enabled         {@code enabled}; a disabled servlet's mappings answer 404
 * @param multipartConfig {@code multipart-config} / {@code @MultipartConfig}, or {@code null}
 * @param runAs           {@code run-as} role, or {@code null}
 * @param roleRefs        {@code security-role-ref}: role name used in code to the declared role
 * @param urlPatterns     URL patterns from every {@code servlet-mapping} of this servlet, in order
 */
public record ServletModel(
        String name,
        String className,
        String jspFile,
        Map<String, String> initParams,
        Integer loadOnStartup,
        boolean asyncSupported,
        boolean enabled,
        MultipartConfigModel multipartConfig,
        String runAs,
        Map<String, String> roleRefs,
        List<String> urlPatterns) {

    public ServletModel {
        initParams = Collections2.orderedCopy(initParams);
        roleRefs = Collections2.orderedCopy(roleRefs);
        urlPatterns = List.copyOf(urlPatterns);
    }
}
