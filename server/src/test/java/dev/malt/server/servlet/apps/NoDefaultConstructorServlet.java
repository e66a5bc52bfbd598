package dev.malt.server.servlet.apps;

import jakarta.servlet.http.HttpServlet;

/** Has only a constructor with arguments. */
public class NoDefaultConstructorServlet extends HttpServlet {

    private final String name;

    public NoDefaultConstructorServlet(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return name;
    }
}
