package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.deploy.Descriptor.FilterDecl;
import dev.malt.server.servlet.deploy.Descriptor.FilterMappingDecl;
import dev.malt.server.servlet.deploy.Descriptor.Located;
import dev.malt.server.servlet.deploy.Descriptor.ServletDecl;
import dev.malt.server.servlet.deploy.Descriptor.ServletMappingDecl;
import dev.malt.server.servlet.deploy.Descriptor.SessionDecl;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.SessionTrackingMode;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads web.xml and web-fragment.xml, of every schema from Servlet 2.2 to 6.1 (DOCTYPE descriptors
 * without a namespace, then the j2ee, javaee, jcp.org and jakarta.ee namespaces), into a {@link Descriptor}.
 * Values are checked as they are read, and a bad one fails with the file, the line and what to write
 * instead. Elements the container has no use for (description, icon, env-entry...) are skipped quietly.
 */
final class DescriptorParser {

    static final Set<String> NAMESPACES = Set.of("",
            "http://java.sun.com/xml/ns/j2ee",
            "http://java.sun.com/xml/ns/javaee",
            "http://xmlns.jcp.org/xml/ns/javaee",
            "https://jakarta.ee/xml/ns/jakartaee");

    private final String source;
    private final boolean fragment;
    private final Descriptor descriptor;

    private DescriptorParser(String source, boolean fragment) {
        this.source = source;
        this.fragment = fragment;
        this.descriptor = new Descriptor(source);
    }

    /** Parses {@code WEB-INF/web.xml}. */
    static Descriptor parseWebXml(byte[] content, String source) throws AppLoadException {
        return new DescriptorParser(source, false).parse(XmlElement.parse(content, source), "web-app");
    }

    /** Parses a jar's {@code META-INF/web-fragment.xml}. */
    static Descriptor parseFragment(byte[] content, String source) throws AppLoadException {
        return new DescriptorParser(source, true).parse(XmlElement.parse(content, source), "web-fragment");
    }

    private Descriptor parse(XmlElement.Document document, String rootName) throws AppLoadException {
        XmlElement root = document.root();
        if (root == null) {
            throw new AppLoadException(DeployMessages.descriptorProblem(source, 1, "the file has no root element"));
        }
        if (!root.name().equals(rootName)) {
            throw fail(root, DeployMessages.wrongRoot(root.name(), rootName));
        }
        if (!NAMESPACES.contains(document.namespace())) {
            throw fail(root, DeployMessages.unknownNamespace(document.namespace(), NAMESPACES));
        }
        readVersion(root, document.doctypePublicId());
        String metadataComplete = root.attributes().get("metadata-complete");
        descriptor.metadataComplete = metadataComplete != null
                && (metadataComplete.equalsIgnoreCase("true") || metadataComplete.equals("1"));
        for (XmlElement element : root.children()) {
            readTopLevel(element);
        }
        return descriptor;
    }

    private void readVersion(XmlElement root, String publicId) throws AppLoadException {
        String version = root.attributes().get("version");
        if (version == null && publicId != null) {
            if (publicId.contains("Web Application 2.3")) {
                version = "2.3";
            } else if (publicId.contains("Web Application 2.2")) {
                version = "2.2";
            }
        }
        if (version == null) {
            return; // the merge takes the latest version: what Tomcat also assumes
        }
        String[] parts = version.split("\\.");
        try {
            descriptor.majorVersion = Integer.parseInt(parts[0]);
            descriptor.minorVersion = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            throw fail(root, DeployMessages.badVersion(version));
        }
        if (parts.length > 2 || descriptor.majorVersion < 2) {
            throw fail(root, DeployMessages.badVersion(version));
        }
    }

    private void readTopLevel(XmlElement element) throws AppLoadException {
        switch (element.name()) {
            case "display-name" -> {
                if (descriptor.displayName == null) {
                    descriptor.displayName = element.text();
                }
            }
            case "name" -> {
                if (fragment) {
                    descriptor.fragmentName = element.text();
                }
            }
            case "ordering" -> {
                if (fragment) {
                    readOrdering(element);
                }
            }
            case "absolute-ordering" -> {
                if (!fragment) {
                    readAbsoluteOrdering(element);
                }
            }
            case "context-param" -> readContextParam(element);
            case "servlet" -> readServlet(element);
            case "servlet-mapping" -> readServletMapping(element);
            case "filter" -> readFilter(element);
            case "filter-mapping" -> readFilterMapping(element);
            case "listener" -> descriptor.listeners.add(required(element, "listener-class"));
            case "error-page" -> readErrorPage(element);
            case "welcome-file-list" -> {
                if (descriptor.welcomeFiles == null) {
                    descriptor.welcomeFiles = new ArrayList<>();
                }
                for (String file : element.childTexts("welcome-file")) {
                    if (!file.isEmpty()) {
                        descriptor.welcomeFiles.add(file);
                    }
                }
            }
            case "mime-mapping" -> readMimeMapping(element);
            case "locale-encoding-mapping-list" -> readLocaleEncodings(element);
            case "session-config" -> readSessionConfig(element);
            case "jsp-config" -> readJspConfig(element);
            case "taglib" -> readTaglib(element); // Servlet 2.3: directly under web-app
            case "security-constraint" -> descriptor.securityConstraints.add(readSecurityConstraint(element));
            case "login-config" -> readLoginConfig(element);
            case "security-role" -> {
                String role = required(element, "role-name");
                if (!descriptor.securityRoles.contains(role)) {
                    descriptor.securityRoles.add(role);
                }
            }
            case "deny-uncovered-http-methods" -> {
                if (!fragment) {
                    descriptor.denyUncoveredHttpMethods = true;
                }
            }
            case "default-context-path" -> {
                if (!fragment) {
                    descriptor.defaultContextPath = element.text();
                }
            }
            case "request-character-encoding" -> {
                if (!fragment) {
                    descriptor.requestCharacterEncoding = charset(element);
                }
            }
            case "response-character-encoding" -> {
                if (!fragment) {
                    descriptor.responseCharacterEncoding = charset(element);
                }
            }
            default -> {
                // description, icon, distributable, module-name, env-entry, resource-ref, ...: no use here
            }
        }
    }

    // ---- ordering

    private void readOrdering(XmlElement element) throws AppLoadException {
        if (descriptor.ordering != null) {
            throw fail(element, DeployMessages.repeatedElement("ordering"));
        }
        XmlElement before = element.child("before");
        XmlElement after = element.child("after");
        descriptor.ordering = new Descriptor.RelativeOrdering(
                before == null ? List.of() : before.childTexts("name"), before != null && before.child("others") != null,
                after == null ? List.of() : after.childTexts("name"), after != null && after.child("others") != null,
                element.line());
        if (descriptor.ordering.beforeOthers() && descriptor.ordering.afterOthers()) {
            throw fail(element, DeployMessages.beforeAndAfterOthers());
        }
    }

    private void readAbsoluteOrdering(XmlElement element) throws AppLoadException {
        if (descriptor.absoluteOrdering != null) {
            throw fail(element, DeployMessages.repeatedElement("absolute-ordering"));
        }
        List<String> names = new ArrayList<>();
        int othersIndex = -1;
        for (XmlElement child : element.children()) {
            if (child.name().equals("name") && !names.contains(child.text())) {
                names.add(child.text()); // a repeated name: only the first one counts (spec 8.2.2)
            } else if (child.name().equals("others") && othersIndex < 0) {
                othersIndex = names.size();
            }
        }
        descriptor.absoluteOrdering = new Descriptor.AbsoluteOrdering(names, othersIndex);
    }

    // ---- components

    private void readContextParam(XmlElement element) throws AppLoadException {
        String name = required(element, "param-name");
        String value = textOrEmpty(element, "param-value");
        Located<String> previous = descriptor.contextParams.get(name);
        if (previous != null) {
            throw fail(element, DeployMessages.duplicateName("context-param", name, previous.line()));
        }
        descriptor.contextParams.put(name, new Located<>(value, element.line()));
    }

    private void readServlet(XmlElement element) throws AppLoadException {
        String name = required(element, "servlet-name");
        ServletDecl previous = descriptor.servlets.get(name);
        if (previous != null) {
            throw fail(element, DeployMessages.duplicateName("servlet", name, previous.line));
        }
        ServletDecl servlet = new ServletDecl(name, element.line());
        servlet.className = emptyToNull(element.childText("servlet-class"));
        String jspFile = emptyToNull(element.childText("jsp-file"));
        if (servlet.className != null && jspFile != null) {
            throw fail(element, DeployMessages.classAndJspFile(name));
        }
        if (jspFile != null) {
            servlet.jspFile = resourcePath(element.child("jsp-file"), "jsp-file", jspFile);
        }
        readInitParams(element, servlet.initParams);
        XmlElement loadOnStartup = element.child("load-on-startup");
        if (loadOnStartup != null) {
            // An empty element means "at startup, in any order" in the old DTDs: 0, as Tomcat reads it.
            servlet.loadOnStartup = loadOnStartup.text().isEmpty() ? 0 : integer(loadOnStartup);
        }
        servlet.enabled = bool(element.child("enabled"));
        servlet.asyncSupported = bool(element.child("async-supported"));
        XmlElement runAs = element.child("run-as");
        if (runAs != null) {
            servlet.runAs = required(runAs, "role-name");
        }
        for (XmlElement ref : element.children("security-role-ref")) {
            String roleName = required(ref, "role-name");
            String link = emptyToNull(ref.childText("role-link"));
            servlet.roleRefs.put(roleName, link == null ? roleName : link);
        }
        XmlElement multipart = element.child("multipart-config");
        if (multipart != null) {
            servlet.multipartConfig = readMultipartConfig(multipart);
        }
        descriptor.servlets.put(name, servlet);
    }

    private MultipartConfigModel readMultipartConfig(XmlElement element) throws AppLoadException {
        XmlElement maxFile = element.child("max-file-size");
        XmlElement maxRequest = element.child("max-request-size");
        XmlElement threshold = element.child("file-size-threshold");
        return new MultipartConfigModel(textOrEmpty(element, "location"),
                maxFile == null ? -1 : longValue(maxFile),
                maxRequest == null ? -1 : longValue(maxRequest),
                threshold == null ? 0 : integer(threshold));
    }

    private void readServletMapping(XmlElement element) throws AppLoadException {
        String name = required(element, "servlet-name");
        List<String> patterns = urlPatterns(element, true);
        descriptor.servletMappings.add(new ServletMappingDecl(name, patterns, source, element.line()));
    }

    private void readFilter(XmlElement element) throws AppLoadException {
        String name = required(element, "filter-name");
        FilterDecl previous = descriptor.filters.get(name);
        if (previous != null) {
            throw fail(element, DeployMessages.duplicateName("filter", name, previous.line));
        }
        FilterDecl filter = new FilterDecl(name, element.line());
        filter.className = emptyToNull(element.childText("filter-class"));
        readInitParams(element, filter.initParams);
        filter.asyncSupported = bool(element.child("async-supported"));
        descriptor.filters.put(name, filter);
    }

    private void readFilterMapping(XmlElement element) throws AppLoadException {
        String name = required(element, "filter-name");
        List<String> patterns = urlPatterns(element, false);
        List<String> servletNames = new ArrayList<>();
        for (String servletName : element.childTexts("servlet-name")) {
            if (!servletName.isEmpty()) {
                servletNames.add(servletName);
            }
        }
        if (patterns.isEmpty() && servletNames.isEmpty()) {
            throw fail(element, DeployMessages.filterMappingTargetsNothing(name));
        }
        Set<DispatcherType> dispatchers = EnumSet.noneOf(DispatcherType.class);
        for (XmlElement dispatcher : element.children("dispatcher")) {
            try {
                dispatchers.add(DispatcherType.valueOf(dispatcher.text()));
            } catch (IllegalArgumentException e) {
                throw fail(dispatcher, DeployMessages.badEnum("dispatcher", dispatcher.text(),
                        "REQUEST, FORWARD, INCLUDE, ERROR, ASYNC"));
            }
        }
        descriptor.filterMappings.add(new FilterMappingDecl(name, patterns, servletNames, dispatchers, source,
                element.line()));
    }

    private void readErrorPage(XmlElement element) throws AppLoadException {
        XmlElement codeElement = element.child("error-code");
        String exceptionType = emptyToNull(element.childText("exception-type"));
        if (codeElement != null && exceptionType != null) {
            throw fail(element, DeployMessages.errorPageCodeAndType());
        }
        int code = 0;
        if (codeElement != null) {
            code = integer(codeElement);
            if (code < 100 || code > 999) {
                throw fail(codeElement, DeployMessages.badErrorCode(codeElement.text()));
            }
        }
        XmlElement location = element.child("location");
        if (location == null || location.text().isEmpty()) {
            throw fail(element, DeployMessages.missingElement("error-page", "location"));
        }
        String path = resourcePath(location, "location", location.text());
        ErrorPageModel page = new ErrorPageModel(code, exceptionType, path);
        // A repeated code or type: the later one wins, as in Tomcat, so WARs built for it deploy unchanged.
        descriptor.errorPages.put(errorPageKey(page), new Located<>(page, element.line()));
    }

    static String errorPageKey(ErrorPageModel page) {
        return page.errorCode() != 0 ? "code " + page.errorCode()
                : page.exceptionType() != null ? "exception " + page.exceptionType() : "default";
    }

    private void readMimeMapping(XmlElement element) throws AppLoadException {
        String extension = required(element, "extension");
        while (extension.startsWith(".")) {
            extension = extension.substring(1);
        }
        String type = required(element, "mime-type");
        descriptor.mimeMappings.put(extension.toLowerCase(Locale.ROOT), new Located<>(type, element.line()));
    }

    private void readLocaleEncodings(XmlElement element) throws AppLoadException {
        for (XmlElement mapping : element.children("locale-encoding-mapping")) {
            String locale = required(mapping, "locale");
            String encoding = required(mapping, "encoding");
            descriptor.localeEncodings.put(locale, new Located<>(encoding, mapping.line()));
        }
    }

    private void readSessionConfig(XmlElement element) throws AppLoadException {
        if (descriptor.session != null) {
            throw fail(element, DeployMessages.repeatedElement("session-config"));
        }
        SessionDecl session = new SessionDecl();
        XmlElement timeout = element.child("session-timeout");
        if (timeout != null) {
            session.timeoutMinutes = integer(timeout);
        }
        XmlElement cookie = element.child("cookie-config");
        if (cookie != null) {
            session.cookieName = emptyToNull(cookie.childText("name"));
            session.cookieDomain = emptyToNull(cookie.childText("domain"));
            session.cookiePath = emptyToNull(cookie.childText("path"));
            session.cookieHttpOnly = bool(cookie.child("http-only"));
            session.cookieSecure = bool(cookie.child("secure"));
            XmlElement maxAge = cookie.child("max-age");
            if (maxAge != null) {
                session.cookieMaxAge = integer(maxAge);
            }
            String comment = emptyToNull(cookie.childText("comment"));
            if (comment != null) {
                session.cookieAttributes.put("Comment", comment);
            }
            for (XmlElement attribute : cookie.children("attribute")) {
                session.cookieAttributes.put(required(attribute, "attribute-name"),
                        textOrEmpty(attribute, "attribute-value"));
            }
        }
        List<XmlElement> modes = element.children("tracking-mode");
        if (!modes.isEmpty()) {
            session.trackingModes = EnumSet.noneOf(SessionTrackingMode.class);
            for (XmlElement mode : modes) {
                try {
                    session.trackingModes.add(SessionTrackingMode.valueOf(mode.text()));
                } catch (IllegalArgumentException e) {
                    throw fail(mode, DeployMessages.badEnum("tracking-mode", mode.text(), "COOKIE, URL, SSL"));
                }
            }
        }
        descriptor.session = session;
    }

    private boolean jspConfigSeen;

    private void readJspConfig(XmlElement element) throws AppLoadException {
        if (jspConfigSeen) {
            throw fail(element, DeployMessages.repeatedElement("jsp-config"));
        }
        jspConfigSeen = true;
        for (XmlElement taglib : element.children("taglib")) {
            readTaglib(taglib);
        }
        for (XmlElement group : element.children("jsp-property-group")) {
            List<String> patterns = urlPatterns(group, false);
            descriptor.jspPropertyGroups.add(new JspConfigModel.JspPropertyGroupModel(patterns,
                    group.childText("el-ignored"), group.childText("error-on-el-not-found"),
                    group.childText("page-encoding"), group.childText("scripting-invalid"), group.childText("is-xml"),
                    group.childTexts("include-prelude"), group.childTexts("include-coda"),
                    group.childText("deferred-syntax-allowed-as-literal"),
                    group.childText("trim-directive-whitespaces"), group.childText("default-content-type"),
                    group.childText("buffer"), group.childText("error-on-undeclared-namespace")));
        }
    }

    private void readTaglib(XmlElement element) throws AppLoadException {
        String uri = required(element, "taglib-uri");
        String location = required(element, "taglib-location");
        descriptor.taglibs.put(uri, new Located<>(location, element.line()));
    }

    private SecurityConstraintModel readSecurityConstraint(XmlElement element) throws AppLoadException {
        List<SecurityConstraintModel.WebResourceCollection> collections = new ArrayList<>();
        for (XmlElement collection : element.children("web-resource-collection")) {
            List<String> methods = collection.childTexts("http-method");
            List<String> omissions = collection.childTexts("http-method-omission");
            if (!methods.isEmpty() && !omissions.isEmpty()) {
                throw fail(collection, DeployMessages.methodsAndOmissions());
            }
            collections.add(new SecurityConstraintModel.WebResourceCollection(urlPatterns(collection, true),
                    methods, omissions));
        }
        List<String> roles = null;
        XmlElement auth = element.child("auth-constraint");
        if (auth != null) {
            roles = auth.childTexts("role-name");
        }
        String guarantee = null;
        XmlElement userData = element.child("user-data-constraint");
        if (userData != null) {
            XmlElement transport = userData.child("transport-guarantee");
            if (transport != null) {
                guarantee = transport.text();
                if (!Set.of("NONE", "INTEGRAL", "CONFIDENTIAL").contains(guarantee)) {
                    throw fail(transport, DeployMessages.badEnum("transport-guarantee", guarantee,
                            "NONE, INTEGRAL, CONFIDENTIAL"));
                }
            }
        }
        return new SecurityConstraintModel(collections, roles, guarantee);
    }

    private void readLoginConfig(XmlElement element) throws AppLoadException {
        if (descriptor.loginConfig != null) {
            throw fail(element, DeployMessages.repeatedElement("login-config"));
        }
        XmlElement form = element.child("form-login-config");
        String loginPage = null;
        String errorPage = null;
        if (form != null) {
            XmlElement login = form.child("form-login-page");
            XmlElement error = form.child("form-error-page");
            loginPage = login == null ? null : resourcePath(login, "form-login-page", login.text());
            errorPage = error == null ? null : resourcePath(error, "form-error-page", error.text());
        }
        descriptor.loginConfig = new Located<>(new LoginConfigModel(emptyToNull(element.childText("auth-method")),
                emptyToNull(element.childText("realm-name")), loginPage, errorPage), element.line());
    }

    // ---- values

    private void readInitParams(XmlElement element, Map<String, String> into) throws AppLoadException {
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (XmlElement param : element.children("init-param")) {
            String name = required(param, "param-name");
            // a repeated init-param is not an error: the first one counts, as in Tomcat (and the TCK expects)
            if (lines.putIfAbsent(name, param.line()) == null) {
                into.put(name, textOrEmpty(param, "param-value"));
            }
        }
    }

    private List<String> urlPatterns(XmlElement element, boolean required) throws AppLoadException {
        List<String> patterns = new ArrayList<>();
        for (XmlElement pattern : element.children("url-pattern")) {
            String value = pattern.text();
            if (!value.isEmpty() && !value.startsWith("/") && !value.startsWith("*.") && isOldSchema()) {
                value = "/" + value; // Servlet 2.2/2.3 containers accepted 'foo' for '/foo'
            }
            String problem = UrlPatterns.problem(value);
            if (problem != null) {
                throw fail(pattern, DeployMessages.badUrlPattern(value, problem));
            }
            patterns.add(value);
        }
        if (required && patterns.isEmpty()) {
            throw fail(element, DeployMessages.missingElement(element.name(), "url-pattern"));
        }
        return patterns;
    }

    private boolean isOldSchema() {
        return descriptor.majorVersion != null && descriptor.majorVersion == 2 && descriptor.minorVersion < 4;
    }

    private String resourcePath(XmlElement element, String what, String path) throws AppLoadException {
        String absolute = path.startsWith("/") ? path : "/" + path;
        if (absolute.indexOf('\r') >= 0 || absolute.indexOf('\n') >= 0) {
            throw fail(element, DeployMessages.badPath(what, path, "it contains a line break"));
        }
        String canonical = UrlPatterns.canonicalPath(absolute);
        if (canonical == null) {
            throw fail(element, DeployMessages.badPath(what, path, "it climbs above the WAR's root with '..'"));
        }
        return canonical;
    }

    private String required(XmlElement element, String child) throws AppLoadException {
        String text = element.childText(child);
        if (text == null || text.isEmpty()) {
            throw fail(element, DeployMessages.missingElement(element.name(), child));
        }
        return text;
    }

    private static String textOrEmpty(XmlElement element, String child) {
        String text = element.childText(child);
        return text == null ? "" : text;
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private int integer(XmlElement element) throws AppLoadException {
        try {
            return Integer.parseInt(element.text());
        } catch (NumberFormatException e) {
            throw fail(element, DeployMessages.notANumber(element.name(), element.text()));
        }
    }

    private long longValue(XmlElement element) throws AppLoadException {
        try {
            return Long.parseLong(element.text());
        } catch (NumberFormatException e) {
            throw fail(element, DeployMessages.notANumber(element.name(), element.text()));
        }
    }

    private Boolean bool(XmlElement element) throws AppLoadException {
        if (element == null) {
            return null;
        }
        String text = element.text().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw fail(element, DeployMessages.notABoolean(element.name(), element.text()));
        };
    }

    private String charset(XmlElement element) throws AppLoadException {
        String name = element.text();
        try {
            if (Charset.isSupported(name)) {
                return name;
            }
        } catch (IllegalArgumentException e) {
            // an illegal name: reported below
        }
        throw fail(element, DeployMessages.unknownCharset(element.name(), name));
    }

    private AppLoadException fail(XmlElement element, String problem) {
        return new AppLoadException(DeployMessages.descriptorProblem(source, element.line(), problem));
    }
}
