package dev.malt.server.cache;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.GatewayExchange;
import dev.malt.server.servlet.ResponseChannel;

import java.io.IOException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends a cached response: the app's status, reason and headers as they were (ETag, Last-Modified, Content-Type,
 * Vary, Date...) plus {@code Age}, the seconds since it was stored. A conditional request that the entry satisfies
 * ({@code If-None-Match}, else {@code If-Modified-Since}) gets a 304 with the validators instead of the body, as
 * RFC 9110 asks. A {@code Range} is not applied: the whole entry goes out, which a server may always do.
 */
final class HitResponse {

    /** What a 304 carries of the stored headers (RFC 9110, 15.4.5). */
    private static final Set<String> NOT_MODIFIED_HEADERS = Set.of("cache-control", "content-location", "date",
            "etag", "expires", "vary");

    private HitResponse() {
    }

    static void send(GatewayExchange exchange, CachedResponse entry, boolean head, long nowMillis) {
        ResponseChannel out = exchange.response();
        String age = Long.toString(entry.ageSeconds(nowMillis));
        try {
            if (entry.status() == 200 && notModified(exchange.vars(), entry)) {
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                boolean hasEtag = entry.header("ETag") != null;
                for (Map.Entry<String, String> header : entry.headers()) {
                    String name = header.getKey().toLowerCase(Locale.ROOT);
                    if (NOT_MODIFIED_HEADERS.contains(name) || (!hasEtag && name.equals("last-modified"))) {
                        headers.add(header);
                    }
                }
                headers.add(Map.entry("Age", age));
                out.writeHead(304, null, headers, ResponseChannel.UNKNOWN_LENGTH);
                out.finish();
                return;
            }
            List<Map.Entry<String, String>> headers = new ArrayList<>(entry.headers().size() + 1);
            headers.addAll(entry.headers());
            headers.add(Map.entry("Age", age));
            boolean noBody = entry.status() == 204;
            out.writeHead(entry.status(), entry.reason(), headers,
                    noBody ? ResponseChannel.UNKNOWN_LENGTH : entry.body().length);
            if (!head && !noBody) {
                out.write(entry.body(), 0, entry.body().length);
            }
            out.finish();
        } catch (IOException | RuntimeException e) {
            out.abort(e); // the client left; nothing else to do for a hit
        }
    }

    /** If-None-Match (weak comparison, or *), else If-Modified-Since against Last-Modified. */
    static boolean notModified(UwsgiVars vars, CachedResponse entry) {
        String ifNoneMatch = vars.get("HTTP_IF_NONE_MATCH");
        if (ifNoneMatch != null) {
            String etag = entry.header("ETag");
            if (etag == null) {
                return false;
            }
            String mine = opaque(etag);
            for (String candidate : ifNoneMatch.split(",")) {
                String tag = candidate.strip();
                if (tag.equals("*") || opaque(tag).equals(mine)) {
                    return true;
                }
            }
            return false;
        }
        String ifModifiedSince = vars.get("HTTP_IF_MODIFIED_SINCE");
        String lastModified = entry.header("Last-Modified");
        if (ifModifiedSince == null || lastModified == null) {
            return false;
        }
        try {
            ZonedDateTime since = ZonedDateTime.parse(ifModifiedSince.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
            ZonedDateTime modified = ZonedDateTime.parse(lastModified.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
            return !modified.isAfter(since);
        } catch (DateTimeParseException e) {
            return false; // an invalid date is ignored (RFC 9110, 13.1.3)
        }
    }

    /** The entity tag without a weak marker: If-None-Match compares weakly. */
    private static String opaque(String tag) {
        String t = tag.strip();
        return t.startsWith("W/") ? t.substring(2) : t;
    }
}
