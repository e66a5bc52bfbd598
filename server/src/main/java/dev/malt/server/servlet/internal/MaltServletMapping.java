package dev.malt.server.servlet.internal;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.MappingMatch;

/** How a request was mapped to its servlet ({@code HttpServletRequest#getHttpServletMapping}). */
public record MaltServletMapping(String matchValue, String pattern, String servletName, MappingMatch mappingMatch)
        implements HttpServletMapping {

    @Override
    public String getMatchValue() {
        return matchValue;
    }

    @Override
    public String getPattern() {
        return pattern;
    }

    @Override
    public String getServletName() {
        return servletName;
    }

    @Override
    public MappingMatch getMappingMatch() {
        return mappingMatch;
    }

    @Override
    public String toString() {
        return "MappingImpl{matchValue=" + matchValue + ", pattern=" + pattern + ", servletName=" + servletName
                + ", mappingMatch=" + mappingMatch + "}";
    }
}
