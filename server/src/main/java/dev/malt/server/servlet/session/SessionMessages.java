package dev.malt.server.servlet.session;

import dev.malt.server.servlet.internal.ServletMessages;

import java.nio.file.Path;

/** What the shared session stores tell the operator. */
final class SessionMessages {

    private SessionMessages() {
    }

    private static String session(String appName, String id) {
        return "App '" + appName + "', session " + ServletMessages.shortId(id);
    }

    static String sessionTooLarge(String appName, String id, int maxBytes, String attribute, String className,
                                  int before) {
        String where = attribute == null ? "" : " at attribute '" + attribute + "' (" + className + "; the "
                + "session was " + before + " bytes before it)";
        return session(appName, id) + " was not saved: it is over session-max-size (" + maxBytes + " bytes)" + where
                + ". Keep less in the session, or raise session-max-size. The other workers see the session as it "
                + "was last saved.";
    }

    static String attributeNotSaved(String appName, String id, String attribute, String className, String detail) {
        return session(appName, id) + ": attribute '" + attribute + "' (" + className + ") cannot be serialized and "
                + "was left out of the saved session: " + detail + ". Sessions are shared by the app's workers; make "
                + "the class and everything it holds Serializable, or mark such fields transient. (Logged once per "
                + "attribute and class.)";
    }

    static String attributeNotRead(String appName, String id, String attribute, String detail) {
        return session(appName, id) + ": attribute '" + attribute + "' cannot be read back and is left out: "
                + detail + ". Did its class change incompatibly? A serialVersionUID keeps compatible versions readable.";
    }

    static String corruptRecord(String appName, String id, String where, String detail) {
        return session(appName, id) + ": the stored session in " + where + " is unreadable (" + detail
                + "); it counts as absent.";
    }

    static String storeFull(String where, int count, int max) {
        return "the session store " + where + " holds " + count + " sessions, and max-sessions is " + max;
    }

    static String fileStoreFailed(String appName, Path dir, String what, Exception e) {
        return "App '" + appName + "': the session store in " + dir + " failed to " + what + ": " + e
                + ". Check that the directory is writable by the app's user and the disk is not full.";
    }

    static String leftoverRemoved(Path file, String why) {
        return "Removed " + file + ": " + why;
    }

    static String redisUnavailable(String appName, String url, String detail) {
        return "App '" + appName + "': Redis at " + url + " (session-store) is unavailable: " + detail
                + ". Requests that need a session get 503 until it is back.";
    }

    static String redisBack(String appName, String url) {
        return "App '" + appName + "': Redis at " + url + " (session-store) answers again";
    }
}
