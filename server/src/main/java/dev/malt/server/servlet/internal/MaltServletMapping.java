package dev.malt.server.servlet.internal;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.MappingMatch;

/** The one mapping a plain servlet app has: its servlet on {@code /*}. */
record MaltServletMapping(String matchValue, String servletName) implements HttpServletMapping {

    @Override
    public String getMatchValue() {
        return matchValue;
    }

    @Override
    public String getPattern() {
        return "/*";
    }

    @Override
    public String getServletName() {
        return servletName;
    }

    @Override
    public MappingMatch getMappingMatch() {
        return MappingMatch.PATH;
    }
}
