package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.core.WebApp;
import dev.malt.server.servlet.deploy.SessionConfigModel;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.http.Cookie;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The session cookie's settings: web.xml's {@code cookie-config}, then the app's setters while the
 * context initializes. Defaults: {@code JSESSIONID}, the context path, HttpOnly (as Tomcat), Secure
 * when the request came over HTTPS, no Max-Age (a browser-session cookie).
 */
public final class MaltSessionCookieConfig implements SessionCookieConfig {

    public static final String DEFAULT_NAME = "JSESSIONID";

    private final WebApp app;
    private String name;
    private String domain;
    private String path;
    private boolean httpOnly = true;
    private Boolean secure;
    private int maxAge = -1;
    private final Map<String, String> attributes = new LinkedHashMap<>();

    public MaltSessionCookieConfig(WebApp app) {
        this.app = app;
    }

    public void configure(SessionConfigModel model) {
        name = model.cookieName();
        domain = model.cookieDomain();
        path = model.cookiePath();
        if (model.cookieHttpOnly() != null) {
            httpOnly = model.cookieHttpOnly();
        }
        secure = model.cookieSecure();
        if (model.cookieMaxAge() != null) {
            maxAge = model.cookieMaxAge();
        }
        attributes.putAll(model.cookieAttributes());
    }

    public String effectiveName() {
        return name == null || name.isEmpty() ? DEFAULT_NAME : name;
    }

    /** The Set-Cookie for a session id, per these settings and the request. */
    public Cookie cookie(String sessionId, MaltHttpRequest request) {
        Cookie cookie = new Cookie(effectiveName(), sessionId);
        String cookiePath = path != null ? path : request.getContextPath().isEmpty() ? "/" : request.getContextPath();
        cookie.setPath(cookiePath);
        if (domain != null) {
            cookie.setDomain(domain);
        }
        if (maxAge >= 0) {
            cookie.setMaxAge(maxAge);
        }
        cookie.setHttpOnly(httpOnly);
        cookie.setSecure(secure != null ? secure : request.isSecure());
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            String key = attribute.getKey().toLowerCase(Locale.ROOT);
            if (!key.equals("comment")) {
                cookie.setAttribute(attribute.getKey(), attribute.getValue());
            }
        }
        return cookie;
    }

    private void check(String method) {
        app.checkInitializing(method);
    }

    @Override
    public void setName(String name) {
        check("SessionCookieConfig.setName");
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public void setDomain(String domain) {
        check("SessionCookieConfig.setDomain");
        this.domain = domain;
    }

    @Override
    public String getDomain() {
        return domain;
    }

    @Override
    public void setPath(String path) {
        check("SessionCookieConfig.setPath");
        this.path = path;
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    @SuppressWarnings("deprecation")
    public void setComment(String comment) {
        check("SessionCookieConfig.setComment");
    }

    @Override
    @SuppressWarnings("deprecation")
    public String getComment() {
        return null;
    }

    @Override
    public void setHttpOnly(boolean httpOnly) {
        check("SessionCookieConfig.setHttpOnly");
        this.httpOnly = httpOnly;
    }

    @Override
    public boolean isHttpOnly() {
        return httpOnly;
    }

    @Override
    public void setSecure(boolean secure) {
        check("SessionCookieConfig.setSecure");
        this.secure = secure;
    }

    @Override
    public boolean isSecure() {
        return secure != null && secure;
    }

    @Override
    public void setMaxAge(int maxAge) {
        check("SessionCookieConfig.setMaxAge");
        this.maxAge = maxAge;
    }

    @Override
    public int getMaxAge() {
        return maxAge;
    }

    @Override
    public void setAttribute(String name, String value) {
        check("SessionCookieConfig.setAttribute");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(ServletMessages.cookieAttributeNameInvalid(name));
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "domain" -> domain = value;
            case "path" -> path = value;
            case "max-age" -> maxAge = value == null ? -1 : Integer.parseInt(value);
            case "httponly" -> httpOnly = value == null || value.isEmpty() || Boolean.parseBoolean(value);
            case "secure" -> secure = value == null || value.isEmpty() || Boolean.parseBoolean(value);
            default -> {
                if (value == null) {
                    attributes.remove(name);
                } else {
                    attributes.put(name, value);
                }
            }
        }
    }

    @Override
    public String getAttribute(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "domain" -> domain;
            case "path" -> path;
            case "max-age" -> maxAge < 0 ? null : Integer.toString(maxAge);
            case "httponly" -> httpOnly ? "" : null;
            case "secure" -> isSecure() ? "" : null;
            default -> attributes.get(name);
        };
    }

    @Override
    public Map<String, String> getAttributes() {
        Map<String, String> all = new LinkedHashMap<>();
        if (domain != null) {
            all.put("Domain", domain);
        }
        if (path != null) {
            all.put("Path", path);
        }
        if (maxAge >= 0) {
            all.put("Max-Age", Integer.toString(maxAge));
        }
        if (isSecure()) {
            all.put("Secure", "");
        }
        if (httpOnly) {
            all.put("HttpOnly", "");
        }
        all.putAll(attributes);
        return Collections.unmodifiableMap(all);
    }
}
