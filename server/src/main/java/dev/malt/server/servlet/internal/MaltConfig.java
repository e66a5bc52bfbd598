package dev.malt.server.servlet.internal;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

/**
 * What {@code Servlet.init} and {@code Filter.init} receive: a name, the context and the init
 * parameters. The two interfaces differ only in what they call the name, so one class serves both.
 */
public final class MaltConfig implements ServletConfig, FilterConfig {

    private final String name;
    private final ServletContext context;
    private final Map<String, String> initParameters;

    private MaltConfig(String name, ServletContext context, Map<String, String> initParameters) {
        this.name = name;
        this.context = context;
        this.initParameters = initParameters;
    }

    public static ServletConfig forServlet(String name, ServletContext context, Map<String, String> initParameters) {
        return new MaltConfig(name, context, initParameters);
    }

    public static FilterConfig forFilter(String name, ServletContext context, Map<String, String> initParameters) {
        return new MaltConfig(name, context, initParameters);
    }

    @Override
    public String getServletName() {
        return name;
    }

    @Override
    public String getFilterName() {
        return name;
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public String getInitParameter(String parameter) {
        return parameter == null ? null : initParameters.get(parameter);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(initParameters.keySet());
    }
}
