package dev.malt.server.servlet.deploy;

/**
 * {@code login-config}.
 *
 * @param authMethod    {@code BASIC}, {@code FORM}, {@code DIGEST}, {@code CLIENT-CERT}, or {@code null}
 * @param realmName     {@code realm-name}, or {@code null}
 * @param formLoginPage {@code form-login-page}, or {@code null}
 * @param formErrorPage {@code form-error-page}, or {@code null}
 */
public record LoginConfigModel(String authMethod, String realmName, String formLoginPage, String formErrorPage) {
}
