package dev.malt.server.servlet.apps;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes every request property as a {@code key=value} line, for the tests to compare. */
public class EchoServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain; charset=UTF-8");
        PrintWriter out = resp.getWriter();
        line(out, "method", req.getMethod());
        line(out, "requestURI", req.getRequestURI());
        line(out, "requestURL", req.getRequestURL());
        line(out, "queryString", req.getQueryString());
        line(out, "contextPath", req.getContextPath());
        line(out, "servletPath", req.getServletPath());
        line(out, "pathInfo", req.getPathInfo());
        line(out, "scheme", req.getScheme());
        line(out, "secure", req.isSecure());
        line(out, "serverName", req.getServerName());
        line(out, "serverPort", req.getServerPort());
        line(out, "remoteAddr", req.getRemoteAddr());
        line(out, "remoteHost", req.getRemoteHost());
        line(out, "remotePort", req.getRemotePort());
        line(out, "localAddr", req.getLocalAddr());
        line(out, "localName", req.getLocalName());
        line(out, "localPort", req.getLocalPort());
        line(out, "protocol", req.getProtocol());
        line(out, "contentType", req.getContentType());
        line(out, "contentLength", req.getContentLengthLong());
        line(out, "characterEncoding", req.getCharacterEncoding());
        line(out, "remoteUser", req.getRemoteUser());
        line(out, "authType", req.getAuthType());
        line(out, "locale", req.getLocale().toLanguageTag());
        line(out, "locales", Collections.list(req.getLocales()).stream()
                .map(Locale::toLanguageTag).collect(Collectors.joining(",")));
        line(out, "dispatcherType", req.getDispatcherType());
        line(out, "mapping", req.getHttpServletMapping().getMappingMatch() + " "
                + req.getHttpServletMapping().getPattern() + " '" + req.getHttpServletMapping().getMatchValue() + "' "
                + req.getHttpServletMapping().getServletName());
        line(out, "requestIdPresent", !req.getRequestId().isEmpty());
        line(out, "protocolRequestId", "'" + req.getProtocolRequestId() + "'");
        line(out, "connection", req.getServletConnection().getConnectionId() + " "
                + req.getServletConnection().getProtocol() + " " + req.getServletConnection().isSecure());
        line(out, "session", req.getSession(false));
        for (String name : Collections.list(req.getHeaderNames())) {
            line(out, "header:" + name, String.join("|", Collections.list(req.getHeaders(name))));
        }
        Cookie[] cookies = req.getCookies();
        line(out, "cookieCount", cookies == null ? 0 : cookies.length);
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                line(out, "cookie:" + cookie.getName(), cookie.getValue());
            }
        }
        for (Map.Entry<String, String[]> parameter : req.getParameterMap().entrySet()) {
            line(out, "param:" + parameter.getKey(), String.join("|", parameter.getValue()));
        }
        line(out, "parameterNames", String.join(",", Collections.list(req.getParameterNames())));
    }

    private static void line(PrintWriter out, String key, Object value) {
        out.print(key);
        out.print('=');
        out.print(value);
        out.print('\n');
    }
}
