package dev.malt.server.servlet.core;

/** JSP pages through Apache Jasper, which runs on the container's side with the app's class loader. */
public final class JspSupport {

    /** Jasper's servlet; it also serves {@code jsp-file} servlets through its {@code jspFile} init parameter. */
    public static final String JSP_SERVLET_CLASS = "org.apache.jasper.servlet.JspServlet";

    private JspSupport() {
    }
}
