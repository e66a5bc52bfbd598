package dev.malt.server.servlet.core;

import dev.malt.server.servlet.internal.MaltConfig;
import dev.malt.server.servlet.internal.ServletMessages;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One filter of a context: its registration and its life. Every filter is created and initialized when
 * the context starts (spec 6.2.1), so a broken filter fails the deployment, not the first request.
 */
public final class FilterHolder implements FilterRegistration.Dynamic {

    private final WebApp app;
    private final String name;
    private final String className;
    private final Class<? extends Filter> filterClass;
    private final Filter givenInstance;
    private final InitParameters initParams = new InitParameters();
    private boolean asyncSupported;
    private volatile Filter filter;

    FilterHolder(WebApp app, String name, String className, Class<? extends Filter> filterClass, Filter instance) {
        this.app = app;
        this.name = name;
        this.className = className != null ? className
                : filterClass != null ? filterClass.getName()
                : instance != null ? instance.getClass().getName() : null;
        this.filterClass = filterClass;
        this.givenInstance = instance;
    }

    /** Creates and initializes the filter; at startup only. */
    void start() throws ServletException {
        Filter instance = givenInstance;
        if (instance == null) {
            try {
                Class<? extends Filter> type = filterClass != null ? filterClass : app.loadFilterClass(this);
                instance = app.instances().create(type);
            } catch (ServletException e) {
                throw e;
            } catch (Exception | LinkageError e) {
                throw new ServletException(ServletMessages.filterCreateFailed(name, className, e), e);
            }
        }
        instance.init(MaltConfig.forFilter(name, app.context(), initParams.snapshot()));
        filter = instance;
    }

    /** The initialized filter. */
    public Filter filter() {
        return filter;
    }

    public boolean isAsyncSupported() {
        return asyncSupported;
    }

    void destroy() {
        Filter f = filter;
        filter = null;
        if (f == null) {
            return;
        }
        try {
            f.destroy();
            if (givenInstance == null) {
                app.instances().destroy(f);
            }
        } catch (Throwable t) {
            app.log().error(ServletMessages.filterDestroyFailed(app.appName(), name), t);
        }
    }

    void initAsyncSupported(boolean supported) {
        this.asyncSupported = supported;
    }

    void putInitParameter(String name, String value) {
        initParams.putIfAbsent(name, value);
    }

    // ---- FilterRegistration.Dynamic

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getClassName() {
        return className;
    }

    @Override
    public boolean setInitParameter(String name, String value) {
        app.checkInitializing("setInitParameter");
        return initParams.set(name, value);
    }

    @Override
    public String getInitParameter(String name) {
        return initParams.get(name);
    }

    @Override
    public Set<String> setInitParameters(Map<String, String> initParameters) {
        app.checkInitializing("setInitParameters");
        return initParams.setAll(initParameters);
    }

    @Override
    public Map<String, String> getInitParameters() {
        return initParams.snapshot();
    }

    @Override
    public void addMappingForServletNames(EnumSet<DispatcherType> dispatcherTypes, boolean isMatchAfter,
                                          String... servletNames) {
        if (servletNames == null || servletNames.length == 0) {
            throw new IllegalArgumentException(ServletMessages.filterMappingEmpty(name));
        }
        app.checkInitializing("addMappingForServletNames");
        app.filterChains().add(new FilterMapping(this, List.of(), List.of(servletNames), types(dispatcherTypes)),
                isMatchAfter);
    }

    @Override
    public Collection<String> getServletNameMappings() {
        Set<String> names = new LinkedHashSet<>();
        for (FilterMapping mapping : app.filterChains().mappingsOf(this)) {
            names.addAll(mapping.servletNames());
        }
        return names;
    }

    @Override
    public void addMappingForUrlPatterns(EnumSet<DispatcherType> dispatcherTypes, boolean isMatchAfter,
                                         String... urlPatterns) {
        if (urlPatterns == null || urlPatterns.length == 0) {
            throw new IllegalArgumentException(ServletMessages.filterMappingEmpty(name));
        }
        for (String pattern : urlPatterns) {
            if (!ServletMapper.isValidPattern(pattern)) {
                throw new IllegalArgumentException(ServletMessages.invalidUrlPattern(pattern, name));
            }
        }
        app.checkInitializing("addMappingForUrlPatterns");
        app.filterChains().add(new FilterMapping(this, List.of(urlPatterns), List.of(), types(dispatcherTypes)),
                isMatchAfter);
    }

    @Override
    public Collection<String> getUrlPatternMappings() {
        List<String> patterns = new ArrayList<>();
        for (FilterMapping mapping : app.filterChains().mappingsOf(this)) {
            patterns.addAll(mapping.urlPatterns());
        }
        return new LinkedHashSet<>(patterns);
    }

    @Override
    public void setAsyncSupported(boolean isAsyncSupported) {
        app.checkInitializing("setAsyncSupported");
        this.asyncSupported = isAsyncSupported;
    }

    private static Set<DispatcherType> types(EnumSet<DispatcherType> types) {
        return types == null || types.isEmpty() ? EnumSet.of(DispatcherType.REQUEST) : EnumSet.copyOf(types);
    }

    @Override
    public String toString() {
        return "filter '" + name + "' (" + className + ")";
    }
}
