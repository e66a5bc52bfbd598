package dev.malt.webapps.spring;

import jakarta.servlet.Filter;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.SessionTrackingMode;
import org.springframework.web.filter.CharacterEncodingFilter;
import org.springframework.web.servlet.support.AbstractAnnotationConfigDispatcherServletInitializer;

import java.util.EnumSet;

/**
 * The whole deployment descriptor: Spring's {@code SpringServletContainerInitializer} (an SCI with
 * {@code @HandlesTypes(WebApplicationInitializer.class)}) finds this class and calls it at startup; it
 * registers the DispatcherServlet on {@code /} and a filter in front of it. There is no web.xml.
 */
public class ShopInitializer extends AbstractAnnotationConfigDispatcherServletInitializer {

    /** Sessions by cookie only: no ;jsessionid in URLs (the usual hardening, set through the Servlet API). */
    @Override
    public void onStartup(ServletContext servletContext) throws ServletException {
        servletContext.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
        super.onStartup(servletContext);
    }

    @Override
    protected Class<?>[] getRootConfigClasses() {
        return new Class<?>[0];
    }

    @Override
    protected Class<?>[] getServletConfigClasses() {
        return new Class<?>[] {WebConfig.class};
    }

    @Override
    protected String[] getServletMappings() {
        return new String[] {"/"};
    }

    /** Form fields arrive as UTF-8 whatever the browser says (added with ServletContext.addFilter). */
    @Override
    protected Filter[] getServletFilters() {
        return new Filter[] {new CharacterEncodingFilter("UTF-8", true)};
    }
}
