package dev.malt.server.servlet.deploy.apps;

/** Declared in web.xml only: inherits {@code @ServletSecurity}, which is {@code @Inherited}. */
public class SubSecuredServlet extends SecuredServlet {
    private static final long serialVersionUID = 1L;
}
