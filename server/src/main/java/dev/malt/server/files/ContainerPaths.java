package dev.malt.server.files;

import dev.malt.server.servlet.deploy.FilterMappingModel;
import dev.malt.server.servlet.deploy.JspConfigModel;
import dev.malt.server.servlet.deploy.SecurityConstraintModel;
import dev.malt.server.servlet.deploy.ServletModel;
import dev.malt.server.servlet.deploy.WebAppModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which files of a WAR must stay with the servlet container, by its merged model: a file that a servlet
 * mapping, a JSP group or a security constraint covers is not a static file, however it looks; nginx
 * serving it would skip the servlet or the login. Also which filters a web server in front would skip.
 * Mappings made in code at start-up ({@code ServletContext.addServlet}) are not in the model.
 */
final class ContainerPaths {

    /** Pages the container compiles: their sources are never static files, whatever maps them. */
    private static final List<String> PAGE_EXTENSIONS = List.of(".jsp", ".jspx", ".jspf");

    private record Owner(String pattern, String why) {
    }

    private final List<Owner> owners = new ArrayList<>();
    private final List<Owner> filters = new ArrayList<>();

    ContainerPaths(WebAppModel model) {
        for (ServletModel servlet : model.servlets()) {
            for (String pattern : servlet.urlPatterns()) {
                if (!pattern.equals("/")) { // a servlet at '/' replaces the default servlet, which it may call
                    owners.add(new Owner(pattern, "mapped to servlet '" + servlet.name() + "' (" + pattern + ")"));
                }
            }
        }
        for (SecurityConstraintModel constraint : model.securityConstraints()) {
            for (SecurityConstraintModel.WebResourceCollection collection : constraint.collections()) {
                for (String pattern : collection.urlPatterns()) {
                    owners.add(new Owner(pattern, "under a security-constraint (" + pattern + ")"));
                }
            }
        }
        if (model.jspConfig() != null) {
            for (JspConfigModel.JspPropertyGroupModel group : model.jspConfig().propertyGroups()) {
                for (String pattern : group.urlPatterns()) {
                    owners.add(new Owner(pattern, "a JSP page by jsp-property-group (" + pattern + ")"));
                }
            }
        }
        for (FilterMappingModel mapping : model.filterMappings()) {
            if (mapping.dispatcherTypes().contains(jakarta.servlet.DispatcherType.REQUEST)) {
                for (String pattern : mapping.urlPatterns()) {
                    filters.add(new Owner(pattern, mapping.filterName()));
                }
            }
        }
    }

    /** Why the container must answer this context-relative path itself, or null for a plain static file. */
    String owner(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        for (String extension : PAGE_EXTENSIONS) {
            if (lower.endsWith(extension)) {
                return "a JSP page";
            }
        }
        for (Owner owner : owners) {
            if (matches(owner.pattern(), path)) {
                return owner.why();
            }
        }
        return null;
    }

    /** The filters that a request for this path would pass through in the container. */
    List<String> filtersOn(String path) {
        List<String> names = new ArrayList<>();
        for (Owner filter : filters) {
            if (matches(filter.pattern(), path) && !names.contains(filter.why())) {
                names.add(filter.why());
            }
        }
        return names;
    }

    /** The Servlet spec's URL pattern forms (12.2): exact, {@code /prefix/*}, {@code *.ext}, {@code ""}, {@code /}. */
    static boolean matches(String pattern, String path) {
        if (pattern.isEmpty()) {
            return path.equals("/");
        }
        if (pattern.equals("/") || pattern.equals("/*")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            int slash = path.lastIndexOf('/');
            return path.substring(slash + 1).endsWith(pattern.substring(1));
        }
        if (pattern.endsWith("/*")) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
        return path.equals(pattern);
    }
}
