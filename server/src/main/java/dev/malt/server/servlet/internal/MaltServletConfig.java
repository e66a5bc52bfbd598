package dev.malt.server.servlet.internal;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

/** The config handed to {@code Servlet.init}: the servlet's name, its context and its init parameters. */
public final class MaltServletConfig implements ServletConfig {

    private final String servletName;
    private final ServletContext context;
    private final Map<String, String> initParameters;

    public MaltServletConfig(String servletName, ServletContext context, Map<String, String> initParameters) {
        this.servletName = servletName;
        this.context = context;
        this.initParameters = Map.copyOf(initParameters);
    }

    @Override
    public String getServletName() {
        return servletName;
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
