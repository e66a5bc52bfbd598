package dev.malt.server.servlet.deploy.apps;

import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.HttpMethodConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;

@WebServlet(urlPatterns = {"/secured/*", "/covered"})
@ServletSecurity(value = @HttpConstraint(rolesAllowed = "R1"),
        httpMethodConstraints = @HttpMethodConstraint(value = "TRACE",
                emptyRoleSemantic = ServletSecurity.EmptyRoleSemantic.DENY))
public class SecuredServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
}
