package dev.malt.server.servlet.core;

import dev.malt.server.servlet.internal.MaltHttpRequest;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The filter mappings of a context and the chains built from them (spec 6.2.4): for a dispatch of a
 * given type to a path and a servlet, first the filters whose URL pattern matches, in mapping order,
 * then those mapped to the servlet's name, each filter once. Mappings added with
 * {@code isMatchAfter = false} come before the descriptors' mappings, those with {@code true} after.
 */
public final class FilterChains {

    private final List<FilterMapping> before = new CopyOnWriteArrayList<>();
    private final List<FilterMapping> declared = new CopyOnWriteArrayList<>();
    private final List<FilterMapping> after = new CopyOnWriteArrayList<>();

    void addDeclared(FilterMapping mapping) {
        declared.add(mapping);
    }

    void add(FilterMapping mapping, boolean isMatchAfter) {
        (isMatchAfter ? after : before).add(mapping);
    }

    List<FilterMapping> mappingsOf(FilterHolder holder) {
        List<FilterMapping> mappings = new ArrayList<>();
        for (FilterMapping m : all()) {
            if (m.holder() == holder) {
                mappings.add(m);
            }
        }
        return mappings;
    }

    private List<FilterMapping> all() {
        List<FilterMapping> all = new ArrayList<>(before.size() + declared.size() + after.size());
        all.addAll(before);
        all.addAll(declared);
        all.addAll(after);
        return all;
    }

    boolean isEmpty() {
        return before.isEmpty() && declared.isEmpty() && after.isEmpty();
    }

    /** The filters that apply, in order. */
    List<FilterHolder> filtersFor(DispatcherType type, String path, String servletName) {
        if (isEmpty()) {
            return List.of();
        }
        List<FilterMapping> all = all();
        List<FilterHolder> filters = new ArrayList<>();
        for (FilterMapping m : all) {
            if (m.dispatcherTypes().contains(type) && path != null && m.matchesPath(path) && !filters.contains(m.holder())) {
                filters.add(m.holder());
            }
        }
        for (FilterMapping m : all) {
            if (m.dispatcherTypes().contains(type) && m.matchesServlet(servletName) && !filters.contains(m.holder())) {
                filters.add(m.holder());
            }
        }
        return filters;
    }

    /** A chain ending in {@code servlet}, for one dispatch. */
    public FilterChain chain(DispatcherType type, String path, ServletHolder servlet, MaltHttpRequest request) {
        return new FilterChainImpl(filtersFor(type, path, servlet.getName()), servlet, request);
    }
}
