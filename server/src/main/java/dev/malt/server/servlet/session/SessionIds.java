package dev.malt.server.servlet.session;

/**
 * Which session ids a shared store looks up. Ids come from clients (a cookie, a {@code ;jsessionid=}), and
 * become file names and Redis keys: anything but what Malt could have made is unknown before it touches
 * the file system or the network.
 */
public final class SessionIds {

    /** Malt makes 32 hex digits; ids a Tomcat or Jetty cluster handed out before a migration also fit. */
    static final int MIN_LENGTH = 16;
    static final int MAX_LENGTH = 128;

    private SessionIds() {
    }

    /** Letters, digits, '-' and '_' only, 16 to 128 of them: no '.', '/', NUL or anything else a path knows. */
    public static boolean isWellFormed(String id) {
        if (id == null || id.length() < MIN_LENGTH || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
