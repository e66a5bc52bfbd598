package dev.malt.server.servlet.internal;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

/** The config handed to {@code Filter.init}: the filter's name, its context and its init parameters. */
public final class MaltFilterConfig implements FilterConfig {

    private final String filterName;
    private final ServletContext context;
    private final Map<String, String> initParameters;

    public MaltFilterConfig(String filterName, ServletContext context, Map<String, String> initParameters) {
        this.filterName = filterName;
        this.context = context;
        this.initParameters = Map.copyOf(initParameters);
    }

    @Override
    public String getFilterName() {
        return filterName;
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public String getInitParameter(String name) {
        return name == null ? null : initParameters.get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(initParameters.keySet());
    }
}
