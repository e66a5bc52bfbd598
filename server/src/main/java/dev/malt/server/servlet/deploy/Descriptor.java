package dev.malt.server.servlet.deploy;

import jakarta.servlet.DispatcherType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One source of deployment metadata before merging: web.xml, one web-fragment.xml, or the
 * {@code @Web*} annotations of one classpath element. Everything the source did not say is {@code null}
 * (or absent from a map), because the merge rules of spec 8.2.3 depend on what each source said, not on
 * defaults. Mutable while it is built and merged; never leaves this package.
 */
final class Descriptor {

    /** How messages name this source: {@code /srv/shop.war!/WEB-INF/web.xml}, or the annotated classes. */
    final String source;

    // ---- the descriptor itself
    Integer majorVersion;
    Integer minorVersion;
    boolean metadataComplete;
    String displayName;
    String defaultContextPath;
    String requestCharacterEncoding;
    String responseCharacterEncoding;
    Boolean denyUncoveredHttpMethods;

    // ---- ordering: web-fragment.xml's <name> and <ordering>, web.xml's <absolute-ordering>
    String fragmentName;
    RelativeOrdering ordering;
    AbsoluteOrdering absoluteOrdering;

    // ---- components
    final Map<String, Located<String>> contextParams = new LinkedHashMap<>();
    final Map<String, ServletDecl> servlets = new LinkedHashMap<>();
    final List<ServletMappingDecl> servletMappings = new ArrayList<>();
    final Map<String, FilterDecl> filters = new LinkedHashMap<>();
    final List<FilterMappingDecl> filterMappings = new ArrayList<>();
    final List<String> listeners = new ArrayList<>();
    final Map<String, Located<ErrorPageModel>> errorPages = new LinkedHashMap<>();
    List<String> welcomeFiles;
    final Map<String, Located<String>> mimeMappings = new LinkedHashMap<>();
    final Map<String, Located<String>> localeEncodings = new LinkedHashMap<>();
    SessionDecl session;
    final List<SecurityConstraintModel> securityConstraints = new ArrayList<>();
    Located<LoginConfigModel> loginConfig;
    final List<String> securityRoles = new ArrayList<>();
    final Map<String, Located<String>> taglibs = new LinkedHashMap<>();
    final List<JspConfigModel.JspPropertyGroupModel> jspPropertyGroups = new ArrayList<>();

    Descriptor(String source) {
        this.source = source;
    }

    /** A value and the line it came from (0 for annotations), for messages. */
    record Located<T>(T value, int line) {
    }

    /** web-fragment.xml's {@code <ordering>}. */
    record RelativeOrdering(List<String> before, boolean beforeOthers, List<String> after, boolean afterOthers,
                            int line) {
    }

    /** web.xml's {@code <absolute-ordering>}: names in order, and where {@code <others/>} stands (-1: absent). */
    record AbsoluteOrdering(List<String> names, int othersIndex) {
    }

    /** A {@code <servlet>} or {@code @WebServlet}; {@code null} fields were not given. */
    static final class ServletDecl {
        final String name;
        final int line;
        String className;
        String jspFile;
        final Map<String, String> initParams = new LinkedHashMap<>();
        Integer loadOnStartup;
        Boolean asyncSupported;
        Boolean enabled;
        MultipartConfigModel multipartConfig;
        String runAs;
        final Map<String, String> roleRefs = new LinkedHashMap<>();

        ServletDecl(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    /** A {@code <servlet-mapping>}, or the patterns of a {@code @WebServlet}. */
    record ServletMappingDecl(String servletName, List<String> urlPatterns, String source, int line) {
    }

    /** A {@code <filter>} or {@code @WebFilter}; {@code null} fields were not given. */
    static final class FilterDecl {
        final String name;
        final int line;
        String className;
        final Map<String, String> initParams = new LinkedHashMap<>();
        Boolean asyncSupported;

        FilterDecl(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    /** A {@code <filter-mapping>}, or the mapping of a {@code @WebFilter}. */
    record FilterMappingDecl(String filterName, List<String> urlPatterns, List<String> servletNames,
                             Set<DispatcherType> dispatcherTypes, String source, int line) {
    }

    /** {@code <session-config>}: each part {@code null} when not given. */
    static final class SessionDecl {
        Integer timeoutMinutes;
        String cookieName;
        String cookieDomain;
        String cookiePath;
        Boolean cookieHttpOnly;
        Boolean cookieSecure;
        Integer cookieMaxAge;
        final Map<String, String> cookieAttributes = new LinkedHashMap<>();
        Set<jakarta.servlet.SessionTrackingMode> trackingModes;
    }
}
