package dev.malt.server.servlet.apps.security;

import jakarta.servlet.HttpConstraintElement;
import jakarta.servlet.HttpMethodConstraintElement;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebListener;

import java.util.List;

/**
 * Registers {@code /dyn} with {@code setServletSecurity}: GET needs Manager, and the general constraint
 * is all defaults, so the other methods stay uncovered (spec 13.8.4, case 3).
 */
@WebListener
public class SecuringListener implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent sce) {
        ServletRegistration.Dynamic dyn = sce.getServletContext().addServlet("dyn", WhoServlet.class);
        dyn.addMapping("/dyn");
        dyn.setServletSecurity(new ServletSecurityElement(new HttpConstraintElement(), List.of(
                new HttpMethodConstraintElement("GET",
                        new HttpConstraintElement(ServletSecurity.TransportGuarantee.NONE, "Manager")))));
    }
}
