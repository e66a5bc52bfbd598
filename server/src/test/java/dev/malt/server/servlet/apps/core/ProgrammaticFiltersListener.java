package dev.malt.server.servlet.apps.core;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.util.EnumSet;

/**
 * A declared listener that adds filters the way frameworks do: {@code early} before the descriptor's
 * mappings, {@code late} after them, and {@code earlyByName} by servlet name before them.
 */
public class ProgrammaticFiltersListener implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        EnumSet<DispatcherType> request = EnumSet.of(DispatcherType.REQUEST);
        FilterRegistration.Dynamic early = context.addFilter("early", TraceFilter.class);
        early.addMappingForUrlPatterns(request, false, "/*");
        FilterRegistration.Dynamic late = context.addFilter("late", TraceFilter.class);
        late.addMappingForUrlPatterns(request, true, "/*");
        FilterRegistration.Dynamic byName = context.addFilter("earlyByName", TraceFilter.class);
        byName.addMappingForServletNames(request, false, "target");
    }
}
