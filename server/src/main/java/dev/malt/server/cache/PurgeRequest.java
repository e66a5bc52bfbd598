package dev.malt.server.cache;

/**
 * {@code malt cache purge NAME [PREFIX]} as it travels on a control socket: the command {@code cache-purge}, then
 * {@code NAME} and the optional URI prefix, separated by a space (a URI has none).
 *
 * @param app    the app's name; empty when the process runs one app only
 * @param prefix the URI prefix ({@code /products/}), empty for every entry
 */
public record PurgeRequest(String app, String prefix) {

    /** The control command. */
    public static final String COMMAND = "cache-purge";

    /** What follows the command on the control line. */
    public static PurgeRequest parse(String arguments) {
        String[] parts = arguments.strip().split("\\s+", 2);
        String prefix = parts.length > 1 ? parts[1].strip() : "";
        checkPrefix(prefix);
        return new PurgeRequest(parts[0], prefix);
    }

    /** A prefix is a URI path as clients send it: it starts with {@code /} and has no spaces. */
    public static void checkPrefix(String prefix) {
        if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.chars().anyMatch(Character::isWhitespace))) {
            throw new IllegalArgumentException("'" + prefix + "' is not a URI prefix; give a path as clients request"
                    + " it, e.g. /products/ (percent-encode spaces)");
        }
    }

    public PurgeRequest withApp(String name) {
        return new PurgeRequest(name, prefix);
    }

    /** The line sent back to {@code malt cache purge}. */
    public String answer(long removed) {
        return "purged " + removed + " cached response" + (removed == 1 ? "" : "s") + " of " + app
                + (prefix.isEmpty() ? "" : " under " + prefix);
    }

    /** The control line's argument part. */
    public String arguments() {
        return prefix.isEmpty() ? app : app + " " + prefix;
    }
}
