package dev.malt.server.servlet.deploy;

import java.util.List;

/**
 * One {@code security-constraint}.
 *
 * @param collections        its {@code web-resource-collection}s
 * @param roles              {@code auth-constraint} role names; {@code null} when there is no auth-constraint
 *                           (no authentication needed), empty when it names none (access denied to all);
 *                           {@code "*"} means any declared role, {@code "**"} any authenticated user
 * @param transportGuarantee {@code NONE}, {@code INTEGRAL} or {@code CONFIDENTIAL}
 */
public record SecurityConstraintModel(List<WebResourceCollection> collections, List<String> roles,
                                      String transportGuarantee) {

    public SecurityConstraintModel {
        collections = List.copyOf(collections);
        roles = roles == null ? null : List.copyOf(roles);
        transportGuarantee = transportGuarantee == null ? "NONE" : transportGuarantee;
    }

    /**
     * @param urlPatterns       the patterns it covers
     * @param httpMethods       {@code http-method}s; empty means all (unless omissions are given)
     * @param httpMethodOmissions {@code http-method-omission}s
     */
    public record WebResourceCollection(List<String> urlPatterns, List<String> httpMethods,
                                        List<String> httpMethodOmissions) {

        public WebResourceCollection {
            urlPatterns = List.copyOf(urlPatterns);
            httpMethods = List.copyOf(httpMethods);
            httpMethodOmissions = List.copyOf(httpMethodOmissions);
        }
    }
}
