package dev.malt.server.servlet.internal;

import java.io.IOException;
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

    public static String upgradeNeedsHttpSocket() {
        return "upgrade(): HTTP upgrade (WebSocket and others) needs a client connected to Malt's 'http-socket'. "
                + "This request came through the uwsgi socket, and a uwsgi frontend (nginx's uwsgi_pass, Apache's "
                + "mod_proxy_uwsgi) does not pass an upgraded connection on. Serve this path from an http-socket "
                + "(with nginx: proxy_pass plus the Upgrade and Connection headers)";
    }

    public static String upgradeNotRequested() {
        return "upgrade(): the request did not ask to switch protocols (no Upgrade header, or HTTP/1.0), and a "
                + "server may only switch to a protocol the client asked for (RFC 9110, section 7.8)";
    }

    public static String upgradeTwice() {
        return "upgrade() was already called for this request";
    }

    public static String upgradeAfterCommit() {
        return "upgrade(): the response is already committed, so it can no longer be a 101 (Switching Protocols)";
    }

    public static String upgradeHandlerCreateFailed(String className, Throwable cause) {
        return "upgrade(): cannot create the HttpUpgradeHandler " + className + " (it needs a public no-argument "
                + "constructor): " + cause;
    }

    public static String upgradeHandlerFailed(String appName, String handler, String event) {
        return "App '" + appName + "': upgrade handler " + handler + " failed in " + event + "; connection closed";
    }

    public static String upgradedStreamClosed(String kind) {
        return "The upgraded connection's " + kind + " stream has been closed";
    }

    public static String readWhileNotReady() {
        return "read() while isReady() is false: with a ReadListener, read only after isReady() returns true "
                + "or in onDataAvailable()";
    }

    public static String writeWhileNotReady() {
        return "write() while isReady() is false: with a WriteListener, write only after isReady() returns true "
                + "or in onWritePossible()";
    }

    public static String usersUnreadable(String appName, String problem) {
        return "App '" + appName + "': its users cannot be read: " + problem;
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

    public static String trailersNotReady() {
        return "getTrailerFields(): the request body has not been read to its end yet (isTrailerFieldsReady() is false)";
    }

    public static String trailersUnsupported(String protocol) {
        return "setTrailerFields(): trailer fields cannot reach this client (" + protocol + "): they need HTTP/1.1 "
                + "on the http-socket; a uwsgi frontend does not pass them on";
    }

    public static String trailersAfterCommit() {
        return "setTrailerFields(): the response is already committed";
    }

    public static String bodyShorterThanDeclared(long written, long declared) {
        return "Response declared Content-Length " + declared + " but the servlet wrote only " + written
                + " bytes; the connection is closed so the client does not wait for the rest";
    }

    // ---- the container: deployment and startup

    public static String startFailed(String appName, String contextPath, Throwable cause) {
        return "App '" + appName + "', context " + ctx(contextPath) + ": startup failed: " + cause
                + ". The app was not started; see the cause below.";
    }

    public static String contextInitializedFailed(String appName, String contextPath, Throwable cause) {
        return "App '" + appName + "', context " + ctx(contextPath) + ": a ServletContextListener failed in "
                + "contextInitialized(): " + cause + ". The app was not started; fix the cause below, then reload.";
    }

    public static String filterInitFailed(String appName, String filterName, Throwable cause) {
        return "App '" + appName + "': filter '" + filterName + "' failed to start: " + cause
                + ". The app was not started; fix the cause below, then reload.";
    }

    public static String servletInitFailed(String appName, String servletName, String className, boolean inInit,
                                           Throwable cause) {
        Throwable root = cause;
        while (root instanceof jakarta.servlet.ServletException se && se.getRootCause() != null && se.getRootCause() != se
                && se.getMessage() != null && se.getMessage().equals(String.valueOf(se.getRootCause()))) {
            root = se.getRootCause();
        }
        return "App '" + appName + "': servlet '" + servletName + "' (" + className + ") "
                + (inInit ? "failed in init(): " : "could not be loaded: ") + root
                + ". The app was not started. Fix the cause below (often a missing class, init parameter, "
                + "file or service), then reload.";
    }

    public static String initializerLoadFailed(String appName, String className, Throwable cause) {
        return "App '" + appName + "': the ServletContainerInitializer " + className
                + " (listed in a jar's META-INF/services) could not be loaded: " + cause
                + ". A jar in WEB-INF/lib is probably missing or for another Servlet version.";
    }

    public static String initializerFailed(String appName, String className, Throwable cause) {
        return "App '" + appName + "': the ServletContainerInitializer " + className + " failed: " + cause
                + ". The app was not started; see the cause below.";
    }

    public static String classNotInApp(String what, String className, java.nio.file.Path source) {
        return what + " names class " + className + ", which is neither in WEB-INF/classes nor in a jar in "
                + "WEB-INF/lib of " + source + ". Check the class name in the descriptor or annotation, and that "
                + "the jar holding it is packaged in the WAR.";
    }

    public static String classUnloadable(String what, String className, Throwable cause) {
        String missing = cause instanceof NoClassDefFoundError ? " (a class it needs is missing: "
                + String.valueOf(cause.getMessage()).replace('/', '.') + ")" : "";
        return what + ": class " + className + " could not be loaded: " + cause + missing
                + ". A jar is probably missing from WEB-INF/lib, or was built for a newer Java.";
    }

    public static String wrongKind(String what, String className, String kind) {
        return what + ": class " + className + " is not a " + kind
                + (kind.startsWith("jakarta.") ? " (a javax.* class needs migrating to jakarta.*)" : "");
    }

    public static String noClassFor(String what) {
        return what + " has no class: declare it with a servlet-class, filter-class or jsp-file";
    }

    public static String servletCreateFailed(String name, String className, Throwable cause) {
        return "servlet '" + name + "' (" + className + ") could not be created: " + cause;
    }

    public static String filterCreateFailed(String name, String className, Throwable cause) {
        return "filter '" + name + "' (" + className + ") could not be created: " + cause;
    }

    public static String instanceCreateFailed(String className, Throwable cause) {
        return "Could not create an instance of " + className + " (it needs a public no-argument constructor): "
                + cause;
    }

    public static String filterDestroyFailed(String appName, String filterName) {
        return "App '" + appName + "': destroy() of filter '" + filterName + "' threw an exception";
    }

    public static String invalidUrlPattern(String pattern, String owner) {
        return "URL pattern '" + pattern + "' of '" + owner + "' is not valid: use \"\", \"/\", \"/*\", "
                + "\"/path\", \"/path/*\" or \"*.ext\"";
    }

    public static String duplicateMapping(String pattern, String first, String second) {
        return "URL pattern '" + pattern + "' is mapped to both servlet '" + first + "' and servlet '" + second
                + "'. A pattern may name one servlet only: remove one of the mappings.";
    }

    public static String filterMappingUnknown(String filterName) {
        return "A filter-mapping names filter '" + filterName + "', which is not declared";
    }

    public static String mappingEmpty(String servletName) {
        return "addMapping() for servlet '" + servletName + "' needs at least one URL pattern";
    }

    public static String filterMappingEmpty(String filterName) {
        return "A mapping for filter '" + filterName + "' needs at least one URL pattern or servlet name";
    }

    public static String initParameterNull(String name) {
        return "Init parameter names and values must not be null (name: " + name + ")";
    }

    public static String multipartConfigNull(String servletName) {
        return "setMultipartConfig() for servlet '" + servletName + "' needs a config; it was null";
    }

    public static String servletSecurityNull(String servletName) {
        return "setServletSecurity() for servlet '" + servletName + "' needs a constraint; it was null";
    }

    public static String runAsNull(String servletName) {
        return "setRunAsRole() for servlet '" + servletName + "' needs a role; it was null";
    }

    public static String registrationNameEmpty() {
        return "A servlet or filter name must not be null or empty";
    }

    public static String jspFileInvalid(String jspFile) {
        return "addJspFile() needs a path that starts with '/'; got " + jspFile;
    }

    public static String restrictedContext(String method) {
        return "ServletContext." + method + "(): not allowed for a ServletContextListener that was added "
                + "programmatically (Servlet spec 4.4)";
    }

    public static String notAListener(String className) {
        return className + " is not a listener type a ServletContext accepts (ServletContextListener, "
                + "ServletContextAttributeListener, ServletRequest(Attribute)Listener, HttpSession(Attribute/Id)Listener)";
    }

    public static String contextListenerOutsideInitializer(String className) {
        return "ServletContextListener " + className + " can only be added by a ServletContainerInitializer";
    }

    public static String listenerClassNotFound(String className, Throwable cause) {
        return "Listener class " + className + " could not be loaded: " + cause;
    }

    public static String listenerCreateFailed(String className, Throwable cause) {
        return "Listener " + className + " could not be created: " + cause;
    }

    public static String alreadyAuthenticated() {
        return "login(): the request is already authenticated";
    }

    public static String noContextFor(String uri) {
        return "No context of this app is mounted at " + printable(uri);
    }

    public static String jasperMissing(String appName, Throwable cause) {
        return "App '" + appName + "' has JSP pages, but Apache Jasper could not be loaded from Malt's lib "
                + "directory: " + cause + ". Reinstall Malt; its distribution ships Jasper.";
    }

    // ---- the container: requests

    public static String servletUnavailable(String name) {
        return "Servlet '" + name + "' is unavailable";
    }

    public static String forwardAfterCommit() {
        return "forward(): the response is already committed";
    }

    public static String includeTargetMissing(String path) {
        return "include(): nothing can serve " + path;
    }

    public static String notContainerRequest(String className) {
        return "The request passed to the dispatcher (" + className + ") is not the container's request nor a "
                + "ServletRequestWrapper around it";
    }

    public static String errorPageInvalid(String location) {
        return "Error page location '" + location + "' cannot be dispatched to";
    }

    public static String errorPageFailed(String appName, String location, int status) {
        return "App '" + appName + "': error page " + location + " for status " + status
                + " failed; answered with Malt's own page";
    }

    public static String dispatchPathInvalid(String path) {
        return "Cannot dispatch to '" + path + "': a path within the context starts with '/'";
    }

    public static String foreignContext() {
        return "AsyncContext.dispatch(ServletContext, path): the context is not one of this worker's";
    }

    public static String bodyAlreadyRead(String method) {
        return method + "(): the request body has already been read through getInputStream() or getReader()";
    }

    public static String noMultipartConfig(String servletName) {
        return "getParts(): servlet '" + servletName + "' has no multipart config; add @MultipartConfig or "
                + "<multipart-config> to it";
    }

    public static String notMultipart(String contentType) {
        return "getParts(): the request is not multipart/form-data (Content-Type: " + contentType + ")";
    }

    // ---- multipart/form-data: the client's body (limits answer 413, malformed bodies 400)

    public static String multipartRequestTooLarge(long size, long maxRequestSize, String partName) {
        return "getParts(): the multipart body " + (size < 0 ? "" : "of " + size + " bytes ")
                + "is larger than the servlet's maxRequestSize of " + maxRequestSize + " bytes"
                + (partName == null ? "" : " (reached in or after part '" + printable(partName) + "')")
                + "; raise maxRequestSize in @MultipartConfig or <multipart-config> to accept it";
    }

    public static String multipartPartTooLarge(String partName, String fileName, long maxFileSize) {
        return "getParts(): part '" + printable(partName) + "'"
                + (fileName == null ? "" : " (file '" + printable(fileName) + "')")
                + " is larger than the servlet's maxFileSize of " + maxFileSize
                + " bytes; raise maxFileSize in @MultipartConfig or <multipart-config> to accept it";
    }

    public static String multipartTooManyParts(int maxParts) {
        return "getParts(): the multipart body has more than " + maxParts + " parts, Malt's limit per request";
    }

    public static String multipartHeadersTooLarge(int maxHeaderBytes, int partsBefore) {
        return "getParts(): the headers of part " + (partsBefore + 1) + " are longer than Malt's limit of "
                + maxHeaderBytes + " bytes (or never end with an empty line)";
    }

    public static String multipartNoBoundary(String contentType) {
        return "getParts(): the Content-Type names no boundary (" + printable(contentType)
                + "); a multipart/form-data request needs '; boundary=...'";
    }

    public static String multipartBoundaryTooLong(int length, int max) {
        return "getParts(): the Content-Type's boundary is " + length + " characters long; RFC 2046 allows at most "
                + max;
    }

    public static String multipartTruncated(String boundary, long bytesRead, String partName) {
        return "getParts(): the multipart body ended after " + bytesRead + " bytes"
                + (partName == null ? "" : ", in part '" + printable(partName) + "',")
                + " before its closing boundary '--" + printable(boundary) + "--'; the body is incomplete, "
                + "or its boundary does not match the Content-Type's";
    }

    public static String multipartMalformed(String detail, String partName) {
        return "getParts(): the multipart body is malformed"
                + (partName == null ? "" : " after part '" + printable(partName) + "'") + ": " + printable(detail);
    }

    // ---- multipart/form-data: the servlet's configuration and the disk

    public static String multipartLocationMissing(Path location) {
        return "getParts(): the multipart location " + location + " is not a directory; create it, or fix "
                + "'location' in the servlet's @MultipartConfig or <multipart-config>";
    }

    public static String multipartStoreFailed(String partName, Path location, IOException cause) {
        return "getParts(): could not store part '" + printable(partName) + "' in " + location + ": " + cause;
    }

    public static String partDeleted(String partName) {
        return "Part '" + printable(partName) + "' was deleted; its content is gone";
    }

    public static String asyncNotSupportedInChain(String servletName) {
        return "startAsync(): a filter or the servlet ('" + servletName + "') in this request's chain does not "
                + "support async; mark them async-supported";
    }

    public static String asyncNotStarted() {
        return "getAsyncContext(): the request is not in async mode";
    }

    public static String asyncIllegalState(String method, String state) {
        return method + "() is not allowed now (async state " + state + ")";
    }

    public static String asyncListenerFailed(String event, Object listener) {
        return "Async listener " + listener + " failed in " + event;
    }

    public static String asyncTimedOut(String uri, long timeout) {
        return "Async request " + printable(uri) + " timed out after " + timeout + " ms";
    }

    public static String peerGoneDuringAsync() {
        return "The client went away while the request was in async mode";
    }

    public static String listenerNull(String kind) {
        return kind + " must not be null";
    }

    public static String listenerAlreadySet(String kind) {
        return "A " + kind + " is already set for this request";
    }

    public static String nonBlockingNeedsAsync(String method) {
        return method + "(): non-blocking I/O needs an async request; call startAsync() first";
    }

    // ---- sessions

    public static String sessionInvalidated(String method) {
        return method + "(): the session has been invalidated";
    }

    public static String sessionAfterCommit() {
        return "Cannot create a session after the response has been committed";
    }

    public static String noSessionToChange() {
        return "changeSessionId(): the request has no session";
    }

    public static String sessionListenerFailed() {
        return "A session binding listener failed";
    }

    public static String sessionStoreFull(String appName, String detail) {
        return "App '" + appName + "': no new session: " + detail;
    }

    public static String sessionSweepFailed(String appName) {
        return "App '" + appName + "': expiring sessions failed";
    }

    public static String sessionsNotShared(String appName, int workers) {
        return "App '" + appName + "' uses HTTP sessions and runs " + workers + " workers with 'session-store = "
                + "memory': sessions live in each worker's memory, and nginx may send a user's next request to "
                + "another worker, which will not know the session. Remove 'session-store = memory' (the default "
                + "'file' store is shared by all workers), or run 'workers = 1'.";
    }

    public static String sessionStoreInvalid(String appName, String store, String detail) {
        String shown = store.replaceAll("//[^@/]*@", "//***@"); // never a password in the log
        return "App '" + appName + "': session-store = " + shown + " cannot be used: " + detail
                + ". Write e.g. redis://10.0.0.5:6379/0.";
    }

    public static String sessionStoreUnavailable(String appName, String detail) {
        return "App '" + appName + "': the session store is unavailable (" + detail + ")";
    }

    public static String sessionNotSaved(String appName, String id, String detail) {
        return "App '" + appName + "': session " + shortId(id) + " was not saved: " + detail;
    }

    /** Enough of a session id to tell sessions apart in a log, not enough to take one over. */
    public static String shortId(String id) {
        return id == null || id.length() <= 6 ? String.valueOf(id) : id.substring(0, 6) + "…";
    }

    public static String sslTrackingUnsupported() {
        return "Session tracking by SSL is not supported: TLS ends at the frontend";
    }

    public static String cookieAttributeNameInvalid(String name) {
        return "A cookie attribute name must not be null or blank: " + name;
    }

    private static String ctx(String contextPath) {
        return contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
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
