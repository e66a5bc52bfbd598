package dev.malt.server.servlet.deploy;

import jakarta.servlet.DispatcherType;

import java.util.List;
import java.util.Set;

/**
 * One {@code filter-mapping}: URL patterns and/or servlet names, for some dispatcher types.
 *
 * @param filterName      the filter it applies
 * @param urlPatterns     URL patterns ({@code /*}, {@code *.do}, exact paths)
 * @param servletNames    servlet names; {@code "*"} means every servlet
 * @param dispatcherTypes when it applies; {@code REQUEST} alone when the descriptor named none
 */
public record FilterMappingModel(String filterName, List<String> urlPatterns, List<String> servletNames,
                                 Set<DispatcherType> dispatcherTypes) {

    public FilterMappingModel {
        urlPatterns = List.copyOf(urlPatterns);
        servletNames = List.copyOf(servletNames);
        dispatcherTypes = dispatcherTypes == null || dispatcherTypes.isEmpty()
                ? Set.of(DispatcherType.REQUEST) : Set.copyOf(dispatcherTypes);
    }
}
