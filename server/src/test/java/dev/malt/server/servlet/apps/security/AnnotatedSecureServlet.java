package dev.malt.server.servlet.apps.security;

import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.HttpMethodConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebServlet;

/** Spec example 6: every method but GET needs Administrator; GET is open. */
@WebServlet("/annotated")
@ServletSecurity(value = @HttpConstraint(rolesAllowed = "Administrator"),
        httpMethodConstraints = @HttpMethodConstraint("GET"))
public class AnnotatedSecureServlet extends WhoServlet {
}
