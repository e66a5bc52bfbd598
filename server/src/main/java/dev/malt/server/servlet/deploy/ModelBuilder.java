package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.deploy.Descriptor.FilterDecl;
import dev.malt.server.servlet.deploy.Descriptor.FilterMappingDecl;
import dev.malt.server.servlet.deploy.Descriptor.Located;
import dev.malt.server.servlet.deploy.Descriptor.ServletDecl;
import dev.malt.server.servlet.deploy.Descriptor.ServletMappingDecl;
import dev.malt.server.servlet.deploy.Descriptor.SessionDecl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the merged descriptor into the immutable {@link WebAppModel}, checking what only the whole app
 * can tell: every mapping names a declared servlet or filter, and no URL pattern is mapped to two
 * servlets (spec 12.2: "the deployment must fail").
 */
final class ModelBuilder {

    static final int LATEST_MAJOR = 6;
    static final int LATEST_MINOR = 1;

    private ModelBuilder() {
    }

    static WebAppModel build(Descriptor merged, boolean metadataComplete, List<InitializerModel> initializers,
                             List<String> orderedLibs) throws AppLoadException {
        Map<String, List<String>> patternsByServlet = new LinkedHashMap<>();
        Map<String, ServletMappingDecl> owners = new HashMap<>();
        for (ServletMappingDecl mapping : merged.servletMappings) {
            if (!merged.servlets.containsKey(mapping.servletName())) {
                throw new AppLoadException(DeployMessages.mappingToUnknownServlet(mapping.source(), mapping.line(),
                        mapping.servletName(), merged.servlets.keySet()));
            }
            List<String> patterns = patternsByServlet.computeIfAbsent(mapping.servletName(), name -> new ArrayList<>());
            for (String pattern : mapping.urlPatterns()) {
                ServletMappingDecl previous = owners.putIfAbsent(pattern, mapping);
                if (previous != null && !previous.servletName().equals(mapping.servletName())) {
                    throw new AppLoadException(DeployMessages.patternMappedTwice(pattern, previous.servletName(),
                            place(previous.source(), previous.line()), mapping.servletName(),
                            place(mapping.source(), mapping.line())));
                }
                if (!patterns.contains(pattern)) {
                    patterns.add(pattern);
                }
            }
        }
        List<ServletModel> servlets = new ArrayList<>();
        for (ServletDecl servlet : merged.servlets.values()) {
            servlets.add(new ServletModel(servlet.name, servlet.className, servlet.jspFile, servlet.initParams,
                    servlet.loadOnStartup, Boolean.TRUE.equals(servlet.asyncSupported),
                    !Boolean.FALSE.equals(servlet.enabled), servlet.multipartConfig, servlet.runAs, servlet.roleRefs,
                    patternsByServlet.getOrDefault(servlet.name, List.of())));
        }
        List<FilterModel> filters = new ArrayList<>();
        for (FilterDecl filter : merged.filters.values()) {
            filters.add(new FilterModel(filter.name, filter.className, filter.initParams,
                    Boolean.TRUE.equals(filter.asyncSupported)));
        }
        List<FilterMappingModel> filterMappings = new ArrayList<>();
        for (FilterMappingDecl mapping : merged.filterMappings) {
            if (!merged.filters.containsKey(mapping.filterName())) {
                throw new AppLoadException(DeployMessages.mappingToUnknownFilter(mapping.source(), mapping.line(),
                        mapping.filterName(), merged.filters.keySet()));
            }
            filterMappings.add(new FilterMappingModel(mapping.filterName(), mapping.urlPatterns(),
                    mapping.servletNames(), mapping.dispatcherTypes()));
        }
        List<ErrorPageModel> errorPages = new ArrayList<>();
        merged.errorPages.values().forEach(page -> errorPages.add(page.value()));
        int major = merged.majorVersion == null ? LATEST_MAJOR : merged.majorVersion;
        int minor = merged.majorVersion == null ? LATEST_MINOR : merged.minorVersion;
        return new WebAppModel(merged.displayName, major, minor, metadataComplete, merged.defaultContextPath,
                values(merged.contextParams), servlets, filters, filterMappings, merged.listeners, errorPages,
                merged.welcomeFiles, values(merged.mimeMappings), values(merged.localeEncodings),
                session(merged.session), merged.requestCharacterEncoding, merged.responseCharacterEncoding,
                merged.securityConstraints, merged.loginConfig == null ? null : merged.loginConfig.value(),
                merged.securityRoles, Boolean.TRUE.equals(merged.denyUncoveredHttpMethods),
                new JspConfigModel(values(merged.taglibs), merged.jspPropertyGroups), initializers, orderedLibs);
    }

    private static SessionConfigModel session(SessionDecl session) {
        if (session == null) {
            return SessionConfigModel.DEFAULT;
        }
        return new SessionConfigModel(session.timeoutMinutes, session.cookieName, session.cookieDomain,
                session.cookiePath, session.cookieHttpOnly, session.cookieSecure, session.cookieMaxAge,
                session.cookieAttributes, session.trackingModes);
    }

    private static Map<String, String> values(Map<String, Located<String>> located) {
        Map<String, String> values = new LinkedHashMap<>();
        located.forEach((key, value) -> values.put(key, value.value()));
        return values;
    }

    private static String place(String source, int line) {
        return line > 0 ? source + ":" + line : source;
    }
}
