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
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The merge rules of spec 8.2.3, in two kinds.
 *
 * <p>{@link #addAnnotations}: annotations only fill in what a descriptor left out. A servlet or filter
 * the descriptor names keeps its settings; init params add up, the descriptor's value winning for the
 * same name; URL patterns and filter mappings of an annotation are dropped when the descriptor maps that
 * name. The annotations of WEB-INF/classes are added to web.xml this way, those of a jar to its fragment.
 *
 * <p>{@link #addFragment}: each fragment, in order, adds to web.xml "as if it had been specified in the
 * same web.xml". What web.xml says wins, element by element (a servlet's {@code load-on-startup}, one
 * init param, one MIME mapping...). Where web.xml says nothing and two fragments say different things,
 * the deploy fails naming both. Lists (listeners, welcome files, security constraints, JSP property
 * groups) add up; mappings add up across fragments unless web.xml maps that servlet or filter name.
 */
final class DescriptorMerger {

    private static final String MAIN = "";

    private final Descriptor main;
    /** Who set each merged value: {@link #MAIN} for web.xml, else the fragment's source. */
    private final Map<String, Claim> claims = new HashMap<>();
    private final Set<String> servletsMappedByMain = new HashSet<>();
    private final Set<String> filtersMappedByMain = new HashSet<>();

    private record Claim(String source, Object value) {
    }

    /** Starts from web.xml, with the annotations of WEB-INF/classes already added. */
    DescriptorMerger(Descriptor main) {
        this.main = main;
        main.contextParams.forEach((name, param) -> claimMain("context-param " + name, param.value()));
        for (ServletDecl servlet : main.servlets.values()) {
            forEachServletField(servlet, (key, value) -> claimMain(key, value));
        }
        for (FilterDecl filter : main.filters.values()) {
            forEachFilterField(filter, (key, value) -> claimMain(key, value));
        }
        main.errorPages.forEach((key, page) -> claimMain("error-page " + key, page.value().location()));
        main.mimeMappings.forEach((extension, type) -> claimMain("mime-mapping " + extension, type.value()));
        main.localeEncodings.forEach((locale, encoding) -> claimMain("locale-encoding-mapping " + locale,
                encoding.value()));
        main.taglibs.forEach((uri, location) -> claimMain("taglib " + uri, location.value()));
        if (main.session != null) {
            forEachSessionField(main.session, (key, value) -> claimMain(key, value));
        }
        if (main.loginConfig != null) {
            claimMain("login-config", main.loginConfig.value());
        }
        main.servletMappings.forEach(mapping -> servletsMappedByMain.add(mapping.servletName()));
        main.filterMappings.forEach(mapping -> filtersMappedByMain.add(mapping.filterName()));
    }

    Descriptor result() {
        return main;
    }

    // ---- annotations into a descriptor

    /** Adds what the annotations of one classpath element say and {@code target} does not. */
    static void addAnnotations(Descriptor target, Descriptor annotations) {
        Set<String> mappedServlets = new HashSet<>();
        target.servletMappings.forEach(mapping -> mappedServlets.add(mapping.servletName()));
        for (ServletDecl annotated : annotations.servlets.values()) {
            ServletDecl declared = target.servlets.get(annotated.name);
            if (declared == null) {
                target.servlets.put(annotated.name, annotated);
            } else {
                if (declared.className == null && declared.jspFile == null) {
                    declared.className = annotated.className;
                }
                annotated.initParams.forEach(declared.initParams::putIfAbsent);
                if (declared.loadOnStartup == null) {
                    declared.loadOnStartup = annotated.loadOnStartup;
                }
                if (declared.asyncSupported == null) {
                    declared.asyncSupported = annotated.asyncSupported;
                }
            }
        }
        for (ServletMappingDecl mapping : annotations.servletMappings) {
            if (!mappedServlets.contains(mapping.servletName())) {
                target.servletMappings.add(mapping);
            }
        }
        Set<String> mappedFilters = new HashSet<>();
        target.filterMappings.forEach(mapping -> mappedFilters.add(mapping.filterName()));
        for (FilterDecl annotated : annotations.filters.values()) {
            FilterDecl declared = target.filters.get(annotated.name);
            if (declared == null) {
                target.filters.put(annotated.name, annotated);
            } else {
                if (declared.className == null) {
                    declared.className = annotated.className;
                }
                annotated.initParams.forEach(declared.initParams::putIfAbsent);
                if (declared.asyncSupported == null) {
                    declared.asyncSupported = annotated.asyncSupported;
                }
            }
        }
        for (FilterMappingDecl mapping : annotations.filterMappings) {
            if (!mappedFilters.contains(mapping.filterName())) {
                target.filterMappings.add(mapping);
            }
        }
        for (String listener : annotations.listeners) {
            if (!target.listeners.contains(listener)) {
                target.listeners.add(listener);
            }
        }
    }

    // ---- a fragment into web.xml

    /** Adds one fragment (its annotations already added to it), in fragment order. */
    void addFragment(Descriptor fragment) throws AppLoadException {
        String source = fragment.source;
        for (Map.Entry<String, Located<String>> param : fragment.contextParams.entrySet()) {
            if (claim("context-param " + param.getKey(), param.getValue().value(), source)) {
                main.contextParams.put(param.getKey(), param.getValue());
            }
        }
        for (ServletDecl servlet : fragment.servlets.values()) {
            ServletDecl merged = main.servlets.computeIfAbsent(servlet.name, name -> new ServletDecl(name, servlet.line));
            mergeServlet(merged, servlet, source);
        }
        for (ServletMappingDecl mapping : fragment.servletMappings) {
            if (!servletsMappedByMain.contains(mapping.servletName())) {
                main.servletMappings.add(mapping);
            }
        }
        for (FilterDecl filter : fragment.filters.values()) {
            FilterDecl merged = main.filters.computeIfAbsent(filter.name, name -> new FilterDecl(name, filter.line));
            mergeFilter(merged, filter, source);
        }
        for (FilterMappingDecl mapping : fragment.filterMappings) {
            if (!filtersMappedByMain.contains(mapping.filterName())) {
                main.filterMappings.add(mapping);
            }
        }
        for (String listener : fragment.listeners) {
            if (!main.listeners.contains(listener)) {
                main.listeners.add(listener);
            }
        }
        for (Map.Entry<String, Located<ErrorPageModel>> page : fragment.errorPages.entrySet()) {
            if (claim("error-page " + page.getKey(), page.getValue().value().location(), source)) {
                main.errorPages.put(page.getKey(), page.getValue());
            }
        }
        if (fragment.welcomeFiles != null) {
            if (main.welcomeFiles == null) {
                main.welcomeFiles = new ArrayList<>();
            }
            for (String file : fragment.welcomeFiles) {
                if (!main.welcomeFiles.contains(file)) {
                    main.welcomeFiles.add(file);
                }
            }
        }
        for (Map.Entry<String, Located<String>> mime : fragment.mimeMappings.entrySet()) {
            if (claim("mime-mapping " + mime.getKey(), mime.getValue().value(), source)) {
                main.mimeMappings.put(mime.getKey(), mime.getValue());
            }
        }
        for (Map.Entry<String, Located<String>> locale : fragment.localeEncodings.entrySet()) {
            if (claim("locale-encoding-mapping " + locale.getKey(), locale.getValue().value(), source)) {
                main.localeEncodings.put(locale.getKey(), locale.getValue());
            }
        }
        if (fragment.session != null) {
            mergeSession(fragment.session, source);
        }
        main.securityConstraints.addAll(fragment.securityConstraints);
        if (fragment.loginConfig != null && claim("login-config", fragment.loginConfig.value(), source)) {
            main.loginConfig = fragment.loginConfig;
        }
        for (String role : fragment.securityRoles) {
            if (!main.securityRoles.contains(role)) {
                main.securityRoles.add(role);
            }
        }
        for (Map.Entry<String, Located<String>> taglib : fragment.taglibs.entrySet()) {
            if (claim("taglib " + taglib.getKey(), taglib.getValue().value(), source)) {
                main.taglibs.put(taglib.getKey(), taglib.getValue());
            }
        }
        main.jspPropertyGroups.addAll(fragment.jspPropertyGroups);
    }

    private void mergeServlet(ServletDecl merged, ServletDecl servlet, String source) throws AppLoadException {
        String prefix = "servlet " + servlet.name + ": ";
        if (claim(prefix + "servlet-class or jsp-file", implementation(servlet), source)) {
            merged.className = servlet.className;
            merged.jspFile = servlet.jspFile;
        }
        for (Map.Entry<String, String> param : servlet.initParams.entrySet()) {
            if (claim(prefix + "init-param " + param.getKey(), param.getValue(), source)) {
                merged.initParams.put(param.getKey(), param.getValue());
            }
        }
        if (claim(prefix + "load-on-startup", servlet.loadOnStartup, source)) {
            merged.loadOnStartup = servlet.loadOnStartup;
        }
        if (claim(prefix + "async-supported", servlet.asyncSupported, source)) {
            merged.asyncSupported = servlet.asyncSupported;
        }
        if (claim(prefix + "enabled", servlet.enabled, source)) {
            merged.enabled = servlet.enabled;
        }
        if (claim(prefix + "multipart-config", servlet.multipartConfig, source)) {
            merged.multipartConfig = servlet.multipartConfig;
        }
        if (claim(prefix + "run-as", servlet.runAs, source)) {
            merged.runAs = servlet.runAs;
        }
        for (Map.Entry<String, String> ref : servlet.roleRefs.entrySet()) {
            if (claim(prefix + "security-role-ref " + ref.getKey(), ref.getValue(), source)) {
                merged.roleRefs.put(ref.getKey(), ref.getValue());
            }
        }
    }

    private void mergeFilter(FilterDecl merged, FilterDecl filter, String source) throws AppLoadException {
        String prefix = "filter " + filter.name + ": ";
        if (claim(prefix + "filter-class", filter.className, source)) {
            merged.className = filter.className;
        }
        for (Map.Entry<String, String> param : filter.initParams.entrySet()) {
            if (claim(prefix + "init-param " + param.getKey(), param.getValue(), source)) {
                merged.initParams.put(param.getKey(), param.getValue());
            }
        }
        if (claim(prefix + "async-supported", filter.asyncSupported, source)) {
            merged.asyncSupported = filter.asyncSupported;
        }
    }

    private void mergeSession(SessionDecl session, String source) throws AppLoadException {
        if (main.session == null) {
            main.session = new SessionDecl();
        }
        SessionDecl merged = main.session;
        String prefix = "session-config: ";
        if (claim(prefix + "session-timeout", session.timeoutMinutes, source)) {
            merged.timeoutMinutes = session.timeoutMinutes;
        }
        if (claim(prefix + "cookie-config name", session.cookieName, source)) {
            merged.cookieName = session.cookieName;
        }
        if (claim(prefix + "cookie-config domain", session.cookieDomain, source)) {
            merged.cookieDomain = session.cookieDomain;
        }
        if (claim(prefix + "cookie-config path", session.cookiePath, source)) {
            merged.cookiePath = session.cookiePath;
        }
        if (claim(prefix + "cookie-config http-only", session.cookieHttpOnly, source)) {
            merged.cookieHttpOnly = session.cookieHttpOnly;
        }
        if (claim(prefix + "cookie-config secure", session.cookieSecure, source)) {
            merged.cookieSecure = session.cookieSecure;
        }
        if (claim(prefix + "cookie-config max-age", session.cookieMaxAge, source)) {
            merged.cookieMaxAge = session.cookieMaxAge;
        }
        for (Map.Entry<String, String> attribute : session.cookieAttributes.entrySet()) {
            if (claim(prefix + "cookie-config attribute " + attribute.getKey(), attribute.getValue(), source)) {
                merged.cookieAttributes.put(attribute.getKey(), attribute.getValue());
            }
        }
        if (claim(prefix + "tracking-mode", session.trackingModes, source)) {
            merged.trackingModes = session.trackingModes;
        }
    }

    // ---- ownership

    /**
     * Whether a fragment's value is taken: yes when nobody set it yet; no when web.xml set it or an earlier
     * fragment set the same; a conflict when an earlier fragment set another value.
     */
    private boolean claim(String key, Object value, String source) throws AppLoadException {
        if (value == null) {
            return false;
        }
        Claim claim = claims.get(key);
        if (claim == null) {
            claims.put(key, new Claim(source, value));
            return true;
        }
        if (claim.source.equals(MAIN) || Objects.equals(claim.value, value)) {
            return false;
        }
        throw new AppLoadException(DeployMessages.fragmentConflict(key, claim.source, String.valueOf(claim.value),
                source, String.valueOf(value)));
    }

    private void claimMain(String key, Object value) {
        if (value != null) {
            claims.put(key, new Claim(MAIN, value));
        }
    }

    private interface FieldVisitor {
        void visit(String key, Object value);
    }

    private static void forEachServletField(ServletDecl servlet, FieldVisitor visitor) {
        String prefix = "servlet " + servlet.name + ": ";
        visitor.visit(prefix + "servlet-class or jsp-file", implementation(servlet));
        servlet.initParams.forEach((name, value) -> visitor.visit(prefix + "init-param " + name, value));
        visitor.visit(prefix + "load-on-startup", servlet.loadOnStartup);
        visitor.visit(prefix + "async-supported", servlet.asyncSupported);
        visitor.visit(prefix + "enabled", servlet.enabled);
        visitor.visit(prefix + "multipart-config", servlet.multipartConfig);
        visitor.visit(prefix + "run-as", servlet.runAs);
        servlet.roleRefs.forEach((name, link) -> visitor.visit(prefix + "security-role-ref " + name, link));
    }

    /** A servlet has a class or a JSP file, never both: one value for the merge. */
    private static String implementation(ServletDecl servlet) {
        return servlet.className != null ? servlet.className
                : servlet.jspFile != null ? "jsp-file " + servlet.jspFile : null;
    }

    private static void forEachFilterField(FilterDecl filter, FieldVisitor visitor) {
        String prefix = "filter " + filter.name + ": ";
        visitor.visit(prefix + "filter-class", filter.className);
        filter.initParams.forEach((name, value) -> visitor.visit(prefix + "init-param " + name, value));
        visitor.visit(prefix + "async-supported", filter.asyncSupported);
    }

    private static void forEachSessionField(SessionDecl session, FieldVisitor visitor) {
        String prefix = "session-config: ";
        visitor.visit(prefix + "session-timeout", session.timeoutMinutes);
        visitor.visit(prefix + "cookie-config name", session.cookieName);
        visitor.visit(prefix + "cookie-config domain", session.cookieDomain);
        visitor.visit(prefix + "cookie-config path", session.cookiePath);
        visitor.visit(prefix + "cookie-config http-only", session.cookieHttpOnly);
        visitor.visit(prefix + "cookie-config secure", session.cookieSecure);
        visitor.visit(prefix + "cookie-config max-age", session.cookieMaxAge);
        session.cookieAttributes.forEach((name, value) -> visitor.visit(prefix + "cookie-config attribute " + name,
                value));
        visitor.visit(prefix + "tracking-mode", session.trackingModes);
    }
}
