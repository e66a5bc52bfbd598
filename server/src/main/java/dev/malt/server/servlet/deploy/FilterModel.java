package dev.malt.server.servlet.deploy;

import java.util.Map;

/**
 * A declared filter ({@code <filter>}, {@code @WebFilter}).
 *
 * @param name           {@code filter-name}
 * @param className      {@code filter-class}, or {@code null} when descriptors only name the filter,
 *                       leaving its class to {@code ServletContext#addFilter}
 * @param initParams     {@code init-param}s in order
 * @param asyncSupported {@code async-supported}
 */
public record FilterModel(String name, String className, Map<String, String> initParams, boolean asyncSupported) {

    public FilterModel {
        initParams = Collections2.orderedCopy(initParams);
    }
}
