package dev.malt.webapps.spring;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

/** The shop's pages are small enough to write out: one layout, escaped text. */
final class Html {

    static final MediaType UTF8_HTML = new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8);

    private Html() {
    }

    static String escape(String text) {
        return HtmlUtils.htmlEscape(text == null ? "" : text, "UTF-8");
    }

    /** A whole page; {@code body} is HTML already. */
    static ResponseEntity<String> page(HttpStatus status, String contextPath, String title, String body) {
        String html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>"
                + "<link rel=\"stylesheet\" href=\"" + contextPath + "/css/shop.css\"></head>\n<body>\n"
                + "<nav><a href=\"" + contextPath + "/\">Shop</a> | <a href=\"" + contextPath + "/cart\">Cart</a> | "
                + "<a href=\"" + contextPath + "/contact\">Contact</a></nav>\n"
                + "<h1>" + escape(title) + "</h1>\n" + body + "\n</body></html>\n";
        return ResponseEntity.status(status).contentType(UTF8_HTML).body(html);
    }

    static ResponseEntity<String> page(String contextPath, String title, String body) {
        return page(HttpStatus.OK, contextPath, title, body);
    }
}
