package dev.malt.server.files;

/**
 * One byte range of a {@code Range: bytes=...} header (RFC 9110 section 14.1.2). Several ranges get
 * the whole file, which the RFC allows: multipart/byteranges buys little for what it costs.
 */
final class ByteRange {

    /** No range of the header fits in the file: answer 416. */
    static final long[] UNSATISFIABLE = new long[0];

    private ByteRange() {
    }

    /** {first, last} (inclusive), {@link #UNSATISFIABLE}, or {@code null} to ignore the header. */
    static long[] parse(String header, long length) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).trim();
        if (spec.isEmpty() || spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        try {
            if (first.isEmpty()) {
                if (last.isEmpty()) {
                    return null;
                }
                long suffix = Long.parseLong(last);
                if (suffix <= 0) {
                    return UNSATISFIABLE;
                }
                return length == 0 ? UNSATISFIABLE : new long[]{Math.max(0, length - suffix), length - 1};
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? length - 1 : Math.min(Long.parseLong(last), length - 1);
            if (start < 0 || (!last.isEmpty() && Long.parseLong(last) < start)) {
                return null;
            }
            if (start >= length) {
                return UNSATISFIABLE;
            }
            return new long[]{start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
