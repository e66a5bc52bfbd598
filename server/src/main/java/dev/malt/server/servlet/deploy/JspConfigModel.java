package dev.malt.server.servlet.deploy;

import java.util.List;
import java.util.Map;

/**
 * {@code jsp-config}: what {@code ServletContext#getJspConfigDescriptor()} returns, and Jasper reads.
 *
 * @param taglibs        {@code taglib} URI to location
 * @param propertyGroups {@code jsp-property-group}s in order
 */
public record JspConfigModel(Map<String, String> taglibs, List<JspPropertyGroupModel> propertyGroups) {

    public static final JspConfigModel EMPTY = new JspConfigModel(Map.of(), List.of());

    public JspConfigModel {
        taglibs = Collections2.orderedCopy(taglibs);
        propertyGroups = List.copyOf(propertyGroups);
    }

    public boolean isEmpty() {
        return taglibs.isEmpty() && propertyGroups.isEmpty();
    }

    /**
     * One {@code jsp-property-group}. Each setting is the element's text, or {@code null} when absent.
     */
    public record JspPropertyGroupModel(List<String> urlPatterns, String elIgnored, String errorOnELNotFound,
                                        String pageEncoding, String scriptingInvalid, String isXml,
                                        List<String> includePreludes, List<String> includeCodas,
                                        String deferredSyntaxAllowedAsLiteral, String trimDirectiveWhitespaces,
                                        String defaultContentType, String buffer,
                                        String errorOnUndeclaredNamespace) {

        public JspPropertyGroupModel {
            urlPatterns = List.copyOf(urlPatterns);
            includePreludes = List.copyOf(includePreludes);
            includeCodas = List.copyOf(includeCodas);
        }
    }
}
