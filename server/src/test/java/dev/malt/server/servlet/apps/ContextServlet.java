package dev.malt.server.servlet.apps;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Reports what it saw in init() and at request time: config, context, class loader isolation and
 * the thread context class loader.
 */
public class ContextServlet extends HttpServlet {

    private String initTccl;
    private String greeting;

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        initTccl = String.valueOf(Thread.currentThread().getContextClassLoader() == getClass().getClassLoader());
        greeting = config.getInitParameter("greeting");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ServletContext context = getServletContext();
        resp.setContentType("text/plain");
        PrintWriter out = resp.getWriter();
        out.println("servletName=" + getServletName());
        out.println("greeting=" + greeting);
        out.println("contextGreeting=" + context.getInitParameter("greeting"));
        out.println("contextName=" + context.getServletContextName());
        out.println("contextPath=" + context.getContextPath());
        out.println("version=" + context.getMajorVersion() + "." + context.getMinorVersion());
        out.println("serverInfo=" + context.getServerInfo());
        out.println("mime=" + context.getMimeType("app.css") + "," + context.getMimeType("x.json") + ","
                + context.getMimeType("noext"));
        out.println("realPath=" + context.getRealPath("/static/a.txt"));
        out.println("escape=" + context.getRealPath("/../etc/passwd"));
        out.println("resource=" + (context.getResource("/static/a.txt") != null));
        out.println("resourcePaths=" + context.getResourcePaths("/static/"));
        out.println("tempdir=" + (context.getAttribute(ServletContext.TEMPDIR) instanceof File f && f.isDirectory()));
        out.println("requestEncoding=" + context.getRequestCharacterEncoding());
        out.println("responseEncoding=" + context.getResponseCharacterEncoding());
        out.println("initTccl=" + initTccl);
        out.println("serviceTccl=" + (Thread.currentThread().getContextClassLoader() == getClass().getClassLoader()));
        out.println("ownLoader=" + (getClass().getClassLoader() != HttpServlet.class.getClassLoader()));
        out.println("netty=" + visible("io.netty.channel.Channel"));
        out.println("slf4j=" + visible("org.slf4j.Logger"));
        out.println("maltInternals=" + visible("dev.malt.server.servlet.ServletHost"));
        out.println("jdk=" + visible("java.sql.Connection") + "," + visible("javax.crypto.Cipher")
                + "," + visible("com.sun.net.httpserver.HttpServer"));
        out.println("servletApi=" + visible("jakarta.servlet.http.HttpServletRequest"));
        out.println("servletApiResource=" + (getClass().getClassLoader()
                .getResource("jakarta/servlet/http/LocalStrings.properties") != null));
        out.println("serverResource=" + (getClass().getClassLoader()
                .getResource("META-INF/maven/org.slf4j/slf4j-api/pom.properties") != null));
        try {
            context.addServlet("x", "y.Z");
            out.println("addServlet=no exception");
        } catch (IllegalStateException e) {
            out.println("addServlet=" + e.getMessage());
        }
        context.setAttribute("count", 1);
        out.println("attribute=" + context.getAttribute("count"));
    }

    private String visible(String className) {
        try {
            Class.forName(className, false, getClass().getClassLoader());
            return "visible";
        } catch (ClassNotFoundException e) {
            return "hidden";
        }
    }
}
