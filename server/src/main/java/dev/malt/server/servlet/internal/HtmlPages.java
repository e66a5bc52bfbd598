package dev.malt.server.servlet.internal;

import java.nio.charset.StandardCharsets;

/** The small HTML bodies Malt writes itself: error pages and redirect notes. Always UTF-8. */
final class HtmlPages {

    public static final String CONTENT_TYPE = "text/html";
    public static final String CHARSET = "UTF-8";

    private HtmlPages() {
    }

    public static byte[] error(int status, String message) {
        String title = status + " " + HttpStatusReasons.reason(status);
        StringBuilder page = new StringBuilder(256)
                .append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title))
                .append("</title></head>\n<body><h1>")
                .append(escape(title))
                .append("</h1>\n");
        if (message != null && !message.isEmpty()) {
            page.append("<p>").append(escape(message)).append("</p>\n");
        }
        return page.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] redirect(int status, String location) {
        String title = status + " " + HttpStatusReasons.reason(status);
        return ("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title></head>\n<body><p>Moved to <a href=\"" + escape(location) + "\">"
                + escape(location) + "</a>.</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
    }

    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
