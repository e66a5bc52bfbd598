package dev.malt.server.servlet.deploy.apps;

import jakarta.annotation.security.DeclareRoles;
import jakarta.annotation.security.RunAs;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.annotation.WebInitParam;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;

@WebServlet(name = "annotated", urlPatterns = {"/a/*", "/b"}, loadOnStartup = 2, asyncSupported = true,
        initParams = {@WebInitParam(name = "p", value = "annotation"), @WebInitParam(name = "q", value = "q")})
@MultipartConfig(maxFileSize = 1024, fileSizeThreshold = 16)
@DeclareRoles({"admin", "clerk"})
@RunAs("system")
public class AnnotatedServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static {
        // Deployment reads class files only: if this ran, a test's deploy would fail.
        if (Boolean.getBoolean("never")) {
            throw new IllegalStateException();
        }
    }
}
