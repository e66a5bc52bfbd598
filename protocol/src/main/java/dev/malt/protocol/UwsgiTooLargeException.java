package dev.malt.protocol;

/**
 * A request whose vars block is larger than {@code buffer-size}, or which carries more vars than the
 * configured maximum. The packet itself is valid, so a server answers 431 (Request Header Fields Too
 * Large) rather than resetting the connection, which nginx would turn into a 502.
 */
public final class UwsgiTooLargeException extends UwsgiProtocolException {

    private static final long serialVersionUID = 1L;

    /** Which limit was crossed. */
    public enum Limit {
        /** The vars block size; the option is {@code buffer-size}. */
        VARS_BLOCK_SIZE("buffer-size", "bytes"),
        /** The number of vars; the option is {@code max-vars}. */
        VARS_COUNT("max-vars", "vars");

        private final String option;
        private final String unit;

        Limit(String option, String unit) {
            this.option = option;
            this.unit = unit;
        }

        /** The config option that sets this limit. */
        public String option() {
            return option;
        }
    }

    private final Limit limit;
    private final long actual;
    private final long maximum;

    public UwsgiTooLargeException(Limit limit, long actual, long maximum) {
        super("uwsgi request " + (limit == Limit.VARS_BLOCK_SIZE ? "vars block has " : "has more than ")
                + actual + " " + limit.unit + ", over the limit of " + maximum + " (raise '" + limit.option + "')");
        this.limit = limit;
        this.actual = actual;
        this.maximum = maximum;
    }

    public Limit limit() {
        return limit;
    }

    /** The size seen: bytes for the block, or the count reached for vars. */
    public long actual() {
        return actual;
    }

    public long maximum() {
        return maximum;
    }
}
