package dev.malt.server.servlet.deploy;

import jakarta.servlet.SessionTrackingMode;

import java.util.Map;
import java.util.Set;

/**
 * {@code session-config}. Unset parts are {@code null} so the container's defaults (30 minutes, cookie
 * {@code JSESSIONID}, HttpOnly, tracking by cookie and URL) stay in one place.
 *
 * @param timeoutMinutes {@code session-timeout}; 0 or less means never
 * @param cookieName     {@code cookie-config/name}
 * @param cookieDomain   {@code cookie-config/domain}
 * @param cookiePath     {@code cookie-config/path}
 * @param cookieHttpOnly {@code cookie-config/http-only}
 * @param cookieSecure   {@code cookie-config/secure}
 * @param cookieMaxAge   {@code cookie-config/max-age}
 * @param cookieAttributes other {@code cookie-config/attribute}s (SameSite, ...), and the legacy comment
 * @param trackingModes  {@code tracking-mode}s, or {@code null}
 */
public record SessionConfigModel(Integer timeoutMinutes, String cookieName, String cookieDomain, String cookiePath,
                                 Boolean cookieHttpOnly, Boolean cookieSecure, Integer cookieMaxAge,
                                 Map<String, String> cookieAttributes, Set<SessionTrackingMode> trackingModes) {

    public static final SessionConfigModel DEFAULT =
            new SessionConfigModel(null, null, null, null, null, null, null, Map.of(), null);

    public SessionConfigModel {
        cookieAttributes = Collections2.orderedCopy(cookieAttributes);
        trackingModes = trackingModes == null ? null : Set.copyOf(trackingModes);
    }
}
