package dev.malt.server.files;

import dev.malt.server.servlet.internal.HttpDates;

/**
 * How a GET or HEAD of a file is answered, by RFC 9110: the validators (a weak ETag from length and
 * modification time, and Last-Modified), the conditional requests in the order of section 13.2.2
 * (If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since) and one byte range, guarded by
 * If-Range. The servlet container's default servlet and the worker's {@code static-map} both answer with
 * it, so a file gets the same statuses and validators whichever of them serves it.
 */
public final class FileRequest {

    /** The request's header fields, by name (case-insensitive); null when absent. */
    @FunctionalInterface
    public interface Headers {
        String get(String name);
    }

    /** What to answer. */
    public enum Outcome {
        FULL(200), PARTIAL(206), NOT_MODIFIED(304), PRECONDITION_FAILED(412), RANGE_NOT_SATISFIABLE(416);

        private final int status;

        Outcome(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * @param start  first byte to send
     * @param count  bytes to send (the whole file for {@link Outcome#FULL})
     * @param length the file's length
     */
    public record Answer(Outcome outcome, long start, long count, long length) {

        public int status() {
            return outcome.status();
        }

        /** {@code Content-Range} for a 206 or a 416; null for the others. */
        public String contentRange() {
            return switch (outcome) {
                case PARTIAL -> "bytes " + start + "-" + (start + count - 1) + "/" + length;
                case RANGE_NOT_SATISFIABLE -> "bytes */" + length;
                default -> null;
            };
        }

        /** Whether the answer carries the file's bytes (a 200 or 206; nothing for HEAD, of course). */
        public boolean hasBody() {
            return outcome == Outcome.FULL || outcome == Outcome.PARTIAL;
        }
    }

    private FileRequest() {
    }

    /** The entity tag of a file: weak, because a second's writes can keep length and time. */
    public static String etag(long length, long lastModifiedMillis) {
        return "W/\"" + length + "-" + lastModifiedMillis + "\"";
    }

    /** Applies the conditional headers, then the Range header, to a file of this length and time. */
    public static Answer evaluate(Headers request, long length, long lastModifiedMillis) {
        String etag = etag(length, lastModifiedMillis);
        Outcome condition = conditions(request, etag, lastModifiedMillis);
        if (condition != null) {
            return new Answer(condition, 0, 0, length);
        }
        String range = request.get("Range");
        if (range != null && ifRangeAllows(request.get("If-Range"), etag, lastModifiedMillis)) {
            long[] r = ByteRange.parse(range, length);
            if (r == ByteRange.UNSATISFIABLE) {
                return new Answer(Outcome.RANGE_NOT_SATISFIABLE, 0, 0, length);
            }
            if (r != null) {
                return new Answer(Outcome.PARTIAL, r[0], r[1] - r[0] + 1, length);
            }
        }
        return new Answer(Outcome.FULL, 0, length, length);
    }

    /** RFC 9110 section 13.2.2; null when the request goes on. */
    private static Outcome conditions(Headers request, String etag, long lastModified) {
        String ifMatch = request.get("If-Match");
        if (ifMatch != null && !ifMatch.trim().equals("*") && !etagListMatches(ifMatch, etag, true)) {
            return Outcome.PRECONDITION_FAILED;
        }
        if (ifMatch == null) {
            long ifUnmodified = date(request.get("If-Unmodified-Since"));
            if (ifUnmodified >= 0 && lastModified / 1000 > ifUnmodified / 1000) {
                return Outcome.PRECONDITION_FAILED;
            }
        }
        String ifNoneMatch = request.get("If-None-Match");
        if (ifNoneMatch != null) {
            boolean match = ifNoneMatch.trim().equals("*") || etagListMatches(ifNoneMatch, etag, false);
            return match ? Outcome.NOT_MODIFIED : null;
        }
        long ifModified = date(request.get("If-Modified-Since"));
        if (ifModified >= 0 && lastModified / 1000 <= ifModified / 1000) {
            return Outcome.NOT_MODIFIED;
        }
        return null;
    }

    private static boolean ifRangeAllows(String ifRange, String etag, long lastModified) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            // a weak tag in If-Range never matches (strong comparison); the opaque part of ours may
            return !value.startsWith("W/") && value.equals(etag.startsWith("W/") ? etag.substring(2) : etag);
        }
        long date = date(value);
        return date >= 0 && lastModified / 1000 == date / 1000;
    }

    private static boolean etagListMatches(String header, String etag, boolean strong) {
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (strong) {
                if (!c.startsWith("W/") && !etag.startsWith("W/") && c.equals(etag)) {
                    return true;
                }
            } else if ((c.startsWith("W/") ? c.substring(2) : c).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static long date(String value) {
        return value == null ? -1 : HttpDates.parse(value);
    }
}
