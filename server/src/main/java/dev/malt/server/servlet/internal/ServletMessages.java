package dev.malt.server.servlet.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every text the servlet host shows to an operator or an app developer, in one place. App loading
 * messages say what went wrong, where Malt looked and what to change; request-time messages name the
 * method that cannot be used and why.
 */
public final class ServletMessages {

    private ServletMessages() {
    }

    // ---- app loading: configuration

    public static String noServletClass(String appName) {
        return "App '" + appName + "' names no servlet class. Set 'servlet = com.example.MyServlet' in its config.";
    }

    public static String servletClassLooksLikePath(String name) {
        return "Servlet class '" + name + "' is not a Java class name. Write the fully qualified class name, "
                + "like com.example.MyServlet, not a file path or a .class file name.";
    }

    public static String baseDirMissing(Path baseDir) {
        return "The app's directory " + baseDir + " does not exist. Classpath entries resolve against it: "
                + "check the 'chdir' option.";
    }

    public static String classpathEntryMissing(String entry, Path resolved) {
        return "Classpath entry '" + entry + "' does not exist: looked for " + resolved
                + ". Fix the path in the 'classpath' option, or remove the entry.";
    }

    public static String classpathGlobDirectoryMissing(String entry, Path directory) {
        return "Classpath entry '" + entry + "' matches nothing: directory " + directory
                + " does not exist. Fix the path in the 'classpath' option.";
    }

    public static String classpathGlobNoMatch(String entry, Path directory, List<String> contents) {
        String holds = contents.isEmpty() ? "it is empty" : "it holds " + String.join(", ", contents);
        return "Classpath entry '" + entry + "' matches no jar or zip file in " + directory + " (" + holds
                + "). A glob selects .jar and .zip files only; end the entry with '/' to select directories.";
    }

    public static String classpathUnreadable(String entry, Exception cause) {
        return "Classpath entry '" + entry + "' could not be read: " + cause;
    }

    // ---- app loading: the class

    public static String classNotFound(String className, List<String> entries, List<Path> searched,
                                       List<String> sameSimpleName) {
        StringBuilder message = new StringBuilder("Servlet class ").append(className).append(" was not found. ");
        if (searched.isEmpty()) {
            message.append("The app has no classpath: add a 'classpath' option with the jar or classes "
                    + "directory that holds the servlet.");
        } else {
            message.append("Searched ").append(joinPaths(searched))
                    .append(" (from classpath ").append(quoteAll(entries)).append(").");
        }
        if (!sameSimpleName.isEmpty()) {
            message.append(" A class with that simple name exists as ")
                    .append(String.join(", ", sameSimpleName)).append(": did you mean it?");
        } else if (!searched.isEmpty()) {
            message.append(" Check the package and class name in the 'servlet' option, "
                    + "and that the jar holding it is on the classpath.");
        }
        return message.toString();
    }

    public static String javaxServlet(String className) {
        return "Servlet class " + className + " is a javax.servlet servlet (Java EE). Malt implements "
                + "Jakarta Servlet 6; migrate javax.* to jakarta.* (for example with the Eclipse Transformer "
                + "or OpenRewrite's Jakarta EE migration) and rebuild the app.";
    }

    public static String notAServlet(String className, List<String> superTypes) {
        return "Class " + className + " is not a servlet: it does not implement jakarta.servlet.Servlet"
                + (superTypes.isEmpty() ? "" : " (its supertypes are " + String.join(", ", superTypes) + ")")
                + ". Point the 'servlet' option at a class that extends jakarta.servlet.http.HttpServlet.";
    }

    public static String missingDependency(String className, String missingClass, List<Path> searched) {
        return "Servlet class " + className + " needs " + missingClass.replace('/', '.')
                + ", which is not on the app's classpath (searched " + joinPaths(searched)
                + "). Add the jar that holds it to the 'classpath' option. The app sees only the JDK, "
                + "jakarta.servlet.* and its own classpath, not Malt's libraries.";
    }

    public static String compiledForNewerJava(String className, String detail) {
        return "Servlet class " + className + " was compiled for a newer Java than this JVM ("
                + System.getProperty("java.version") + "): " + detail
                + ". Run Malt with a newer JDK ('java-home' option) or compile the app for this one.";
    }

    public static String classLoadFailed(String className, Throwable cause) {
        return "Servlet class " + className + " could not be loaded: " + cause;
    }

    public static String notInstantiable(String className, String kind) {
        return "Servlet class " + className + " is " + kind + " and cannot be instantiated. "
                + "Name a concrete servlet class in the 'servlet' option.";
    }

    public static String notPublic(String className) {
        return "Servlet class " + className + " is not public. Make the class public so Malt can create it.";
    }

    public static String noPublicNoArgConstructor(String className, boolean innerClass) {
        return "Servlet class " + className + " has no public no-argument constructor, so Malt cannot create it. "
                + (innerClass ? "It is an inner class: make it a static nested class. " : "")
                + "Add 'public " + simpleName(className) + "() {}' and read settings in init() from init parameters.";
    }

    public static String constructorFailed(String className, Throwable cause) {
        return "The constructor of servlet class " + className + " threw " + cause
                + ". Fix the app; see the cause below.";
    }

    public static String staticInitFailed(String className, Throwable cause) {
        return "The static initializer of servlet class " + className + " (or of a class it uses) threw "
                + cause + ". Fix the app; see the cause below.";
    }

    public static String initFailed(String className, Throwable cause) {
        return "Servlet " + className + " failed in init(): " + cause
                + ". The app was not started. Fix the cause below (often a missing init parameter, "
                + "file or service), then reload.";
    }

    public static String tempDirFailed(String appName, Exception cause) {
        return "Could not create a temporary directory for app '" + appName + "': " + cause
                + ". Check that java.io.tmpdir is writable.";
    }

    // ---- request handling: logs

    public static String requestFailed(String appName, String method, String uri, int status) {
        return "App '" + appName + "': " + request(method, uri) + " failed with an uncaught exception; answered "
                + status;
    }

    public static String requestFailedAfterCommit(String appName, String method, String uri) {
        return "App '" + appName + "': " + request(method, uri)
                + " failed with an uncaught exception after the response was committed; connection closed";
    }

    public static String requestRejected(String appName, int status, String method, String uri, String reason) {
        return "App '" + appName + "': " + request(method, uri) + " rejected with " + status + ": "
                + printable(reason);
    }

    public static String clientAborted(String appName, String method, String uri, String reason) {
        return "App '" + appName + "': " + request(method, uri) + ": client went away (" + reason + ")";
    }

    public static String appClosed(String appName) {
        return "App '" + appName + "' is stopped; it takes no more requests";
    }

    /** Method and URI come from the client: no control character may reach the log as such. */
    private static String request(String method, String uri) {
        return printable(method) + " " + printable(uri);
    }

    private static String printable(String text) {
        return text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
    }

    public static String destroyFailed(String appName, String className) {
        return "App '" + appName + "': destroy() of servlet " + className + " threw an exception";
    }

    // ---- request handling: what apps see

    public static String pathBadEscape(String path) {
        return "Request path has a malformed %-escape: " + path;
    }

    public static String pathEncodedSeparator(String path) {
        return "Request path has an encoded '/' or '\\', which Malt refuses: " + path;
    }

    public static String pathControlCharacter(String path) {
        return "Request path has a control character: " + printable(path);
    }

    public static String pathNotAbsolute(String path) {
        return "Request path does not start with '/': " + path;
    }

    public static String pathAboveRoot(String path) {
        return "Request path climbs above the root with '..': " + path;
    }

    public static String pathNotUtf8(String path) {
        return "Request path is not valid UTF-8 after %-decoding: " + path;
    }

    public static String tooManyParameters(int max) {
        return "Request has more than " + max + " parameters";
    }

    public static String formTooLarge(long size, int max) {
        return "Form body of " + size + " bytes is larger than the limit of " + max + " bytes";
    }

    public static String readerAlreadyUsed() {
        return "getReader() has already been called for this request; use either getReader() or getInputStream()";
    }

    public static String inputStreamAlreadyUsed() {
        return "getInputStream() has already been called for this request; use either getInputStream() or getReader()";
    }

    public static String inputStreamClosed() {
        return "The request body stream has been closed";
    }

    public static String writerAlreadyUsed() {
        return "getWriter() has already been called for this response; use either getWriter() or getOutputStream()";
    }

    public static String outputStreamAlreadyUsed() {
        return "getOutputStream() has already been called for this response; use either getOutputStream() or getWriter()";
    }

    public static String unsupportedEncoding(String name) {
        return "Character encoding '" + name + "' is not supported by this JVM";
    }

    public static String notADate(String name, String value) {
        return "Header " + name + " is not an HTTP date: " + value;
    }

    public static String attributeNameNull() {
        return "Attribute name must not be null";
    }

    public static String sessionsNotSupported() {
        return "HTTP sessions are not available for a plain servlet app in Malt; they arrive with the WAR "
                + "container. getSession(false) returns null.";
    }

    public static String asyncNotSupported(String method) {
        return method + "(): async servlet processing is not supported yet in Malt";
    }

    public static String multipartNotSupported() {
        return "multipart/form-data parsing (getParts/getPart) is not supported yet in Malt; read getInputStream()";
    }

    public static String upgradeNotSupported() {
        return "HTTP upgrade (WebSocket and others) is not supported yet in Malt";
    }

    public static String noLoginMechanism(String method) {
        return method + "(): a plain servlet app in Malt has no login mechanism; the frontend may authenticate "
                + "and pass REMOTE_USER";
    }

    public static String resourcePathNotAbsolute(String path) {
        return "Resource path must start with '/': " + path;
    }

    public static String contextAlreadyInitialized(String method) {
        return method + "(): the ServletContext is already initialized";
    }

    public static String warContainerOnly(String method) {
        return "ServletContext." + method + "() is not available for a plain servlet app in Malt; "
                + "it arrives with the WAR container";
    }

    public static String invalidStatus(int status) {
        return "Invalid HTTP status code " + status + " (must be 100..999)";
    }

    public static String invalidContentLength(String value) {
        return "Invalid Content-Length header value: " + value;
    }

    public static String invalidHeaderName(String name) {
        return "Invalid HTTP header name '" + name + "': a header name is a token without spaces or separators";
    }

    public static String cookieValueInvalid(String cookieName, String value, char offending) {
        return "Cookie " + cookieName + " has a value that cannot be sent in Set-Cookie (character "
                + String.format("U+%04X", (int) offending) + "): " + value
                + ". Encode the value, for example with URLEncoder or Base64.";
    }

    public static String cookieAttributeInvalid(String cookieName, String attribute, String value) {
        return "Cookie " + cookieName + " has attribute " + attribute + " with a value that cannot be sent "
                + "in Set-Cookie (';' or a control character): " + value;
    }

    public static String bufferSizeAfterWrite() {
        return "setBufferSize() must be called before any content is written";
    }

    public static String resetAfterCommit() {
        return "The response is already committed; it cannot be reset";
    }

    public static String sendErrorAfterCommit(int status) {
        return "sendError(" + status + "): the response is already committed";
    }

    public static String redirectAfterCommit(String location) {
        return "sendRedirect(" + location + "): the response is already committed";
    }

    public static String redirectLocationNull() {
        return "sendRedirect() needs a location; it was null";
    }

    public static String trailersAfterCommit() {
        return "setTrailerFields(): the response is already committed";
    }

    public static String bodyShorterThanDeclared(long written, long declared) {
        return "Response declared Content-Length " + declared + " but the servlet wrote only " + written
                + " bytes; the connection is closed so the client does not wait for the rest";
    }

    private static String joinPaths(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(", "));
    }

    private static String quoteAll(List<String> values) {
        return values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "));
    }

    private static String simpleName(String className) {
        int dot = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
        return className.substring(dot + 1);
    }
}
