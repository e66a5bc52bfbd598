package dev.malt.server.servlet.deploy;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every text deployment shows an operator, in one place. Each names the file (and the line, for
 * descriptors), says what is wrong, and what to change. Descriptor problems are phrased as the part after
 * {@code file:line: }, which {@link #descriptorProblem} adds.
 */
final class DeployMessages {

    private DeployMessages() {
    }

    // ---- what to deploy

    static String sourceMissing(String appName, Path source) {
        return "App '" + appName + "': " + source + " does not exist. Point the 'war' or 'mount' option at a .war file "
                + "or an exploded WAR directory.";
    }

    static String sourceUnreadable(Path path, Exception cause) {
        return "Could not read " + path + ": " + cause + ". Check that it exists and that Malt's user may read it.";
    }

    static String badContextPath(String contextPath) {
        return "Context path '" + contextPath + "' is not usable: write '/' for the root or '/name' (segments "
                + "without '.', '..', '?', '#', '%', ';' or '\\').";
    }

    static String stateDirFailed(Path directory, String what, Exception cause) {
        return "Could not prepare " + directory + " for " + what + ": " + cause
                + ". The app's state directory must be writable by Malt's user.";
    }

    static String tempDirFailed(Path directory, Exception cause) {
        return "Could not create the temp directory " + directory + ": " + cause
                + ". The app's state directory must be writable by Malt's user.";
    }

    // ---- archives

    static String corruptArchive(String archive, Exception cause) {
        return archive + " is not a readable zip archive (" + causeText(cause) + "). It may be truncated or "
                + "still being copied: rebuild or copy it again, then reload.";
    }

    static String extractFailed(String archive, Path target, Exception cause) {
        return "Could not unpack " + archive + " into " + target + ": " + causeText(cause)
                + ". If the archive is damaged, rebuild it; otherwise check the disk and the state directory.";
    }

    static String damagedEntry(String archive, String entry) {
        return archive + " is damaged: entry '" + entry + "' does not match its checksum or size. Rebuild or "
                + "copy the archive again, then reload.";
    }

    static String unsupportedEntry(String archive, String entry) {
        return archive + ": entry '" + entry + "' uses a compression method or encryption Malt cannot read. "
                + "Rebuild the archive with plain deflate (the jar tool, Maven and Gradle do).";
    }

    static String escapingEntry(String archive, String entry) {
        return archive + " has an entry that would be written outside its directory: '" + entry
                + "' ('..' path segments). Nothing was deployed; a WAR from a normal build never has such an entry, "
                + "so check where this one came from.";
    }

    static String absoluteEntry(String archive, String entry) {
        return archive + " has an entry with an absolute path: '" + entry + "'. Nothing was deployed; entries "
                + "must be relative paths, as the jar tool, Maven and Gradle write them.";
    }

    static String badEntryName(String archive, String entry) {
        return archive + " has an entry whose name is not a usable file name: '" + printable(entry)
                + "'. Nothing was deployed; rebuild the archive.";
    }

    static String symlinkEntry(String archive, String entry) {
        return archive + " has a symbolic link entry: '" + entry + "'. Nothing was deployed: Malt refuses links "
                + "in archives, since they can point outside the app. Put the file itself in the archive.";
    }

    static String symlinkEscapes(Path directory, Path link, Path target) {
        return "The exploded WAR " + directory + " has a symbolic link " + link + " that leads outside it, to "
                + target + ". Malt refuses it, since it would publish that file. Copy the file in, or point the "
                + "link inside the directory.";
    }

    static String tooManyEntries(String archive, String entry, int limit) {
        return archive + " has more than " + limit + " entries (stopped at '" + entry + "'). This is the limit on "
                + "entries per deployment, a guard against zip bombs; raise it if the archive is genuine.";
    }

    static String entryTooLarge(String archive, String entry, long limit) {
        return archive + ": entry '" + entry + "' unpacks to more than " + bytes(limit) + ", the limit for one "
                + "entry (a guard against zip bombs); raise it if the archive is genuine.";
    }

    static String archiveTooLarge(String archive, String entry, long limit) {
        return archive + " unpacks to more than " + bytes(limit) + " (stopped at '" + entry + "'), the limit per "
                + "deployment (a guard against zip bombs); raise it if the archive is genuine.";
    }

    static String warChangedWhileUnpacking(Path war) {
        return war + " changed while Malt was unpacking it. Copy new WARs in with a rename (write app.war.tmp, "
                + "then mv it to app.war), then reload.";
    }

    static String descriptorTooLarge(String file, int limit) {
        return file + " is larger than " + bytes(limit) + ", the limit for a descriptor or service file. "
                + "Check that it is the file you meant.";
    }

    // ---- descriptors

    static String descriptorProblem(String file, int line, String problem) {
        return file + (line > 0 ? ":" + line : "") + ": " + problem;
    }

    static String malformedXml(String file, int line, String parserMessage) {
        return descriptorProblem(file, line, "not well-formed XML: " + parserMessage
                + ". Fix the XML syntax; the app was not deployed.");
    }

    static String wrongRoot(String found, String expected) {
        return "the root element is <" + found + ">, but this file must start with <" + expected + ">.";
    }

    static String unknownNamespace(String namespace, Collection<String> known) {
        return "unknown namespace '" + namespace + "'. A deployment descriptor uses one of "
                + known.stream().filter(ns -> !ns.isEmpty()).sorted().collect(Collectors.joining(", "))
                + " (or none, with a DOCTYPE).";
    }

    static String badVersion(String version) {
        return "version=\"" + version + "\" is not a Servlet schema version; write for example version=\"6.1\".";
    }

    static String repeatedElement(String element) {
        return "<" + element + "> appears more than once; the spec allows one. Merge them into one element.";
    }

    static String missingElement(String parent, String child) {
        return "<" + parent + "> needs a non-empty <" + child + ">.";
    }

    static String duplicateName(String kind, String name, int previousLine) {
        return kind + " '" + name + "' is declared twice (first at line " + previousLine
                + "). Names must be unique: remove or rename one.";
    }

    static String classAndJspFile(String servlet) {
        return "servlet '" + servlet + "' has both <servlet-class> and <jsp-file>; give one of them.";
    }

    static String badUrlPattern(String pattern, String problem) {
        return "url-pattern '" + printable(pattern) + "' is not valid: " + problem + ".";
    }

    static String badPath(String element, String path, String problem) {
        return "<" + element + "> '" + printable(path) + "' is not a usable path in the WAR: " + problem + ".";
    }

    static String filterMappingTargetsNothing(String filter) {
        return "<filter-mapping> of filter '" + filter + "' has neither <url-pattern> nor <servlet-name>; "
                + "add one, or remove the mapping.";
    }

    static String badEnum(String element, String value, String allowed) {
        return "<" + element + "> '" + value + "' is not one of " + allowed + " (the spelling is case-sensitive).";
    }

    static String errorPageCodeAndType() {
        return "<error-page> has both <error-code> and <exception-type>; write two error-page elements.";
    }

    static String badErrorCode(String code) {
        return "<error-code> '" + code + "' is not an HTTP status (100 to 999).";
    }

    static String methodsAndOmissions() {
        return "<web-resource-collection> has both <http-method> and <http-method-omission>; the schema allows "
                + "one kind per collection. Split it into two collections.";
    }

    static String notANumber(String element, String text) {
        return "<" + element + "> '" + text + "' is not a whole number.";
    }

    static String notABoolean(String element, String text) {
        return "<" + element + "> '" + text + "' is not true or false.";
    }

    static String unknownCharset(String element, String name) {
        return "<" + element + "> '" + name + "' is not a character encoding this JVM knows; write for example "
                + "UTF-8.";
    }

    static String beforeAndAfterOthers() {
        return "<ordering> puts this fragment both before and after <others/>; keep one of them.";
    }

    // ---- fragments, annotations, merging

    static String duplicateFragmentName(String name, String firstJar, String secondJar) {
        return "Two web fragments are named '" + name + "': in WEB-INF/lib/" + firstJar + " and WEB-INF/lib/"
                + secondJar + ". The spec forbids this with relative ordering. Remove one jar (often two versions "
                + "of one library), or list the fragments in an <absolute-ordering> in web.xml.";
    }

    static String orderingCycle(List<String> fragments) {
        return "The web fragments' <ordering> elements contradict each other: " + String.join(" must come before ",
                fragments) + " must come before " + fragments.get(0) + ". Fix their before/after names, or give the "
                + "order in an <absolute-ordering> in web.xml, which overrides them.";
    }

    static String fragmentConflict(String what, String firstSource, String firstValue, String secondSource,
                                   String secondValue) {
        return "Web fragments disagree on " + what + ": " + firstSource + " says '" + firstValue + "', "
                + secondSource + " says '" + secondValue + "'. web.xml does not settle it, so the spec forbids "
                + "deploying. Declare the value in WEB-INF/web.xml (it wins over fragments), or exclude one jar "
                + "with <absolute-ordering>.";
    }

    static String duplicateAnnotatedName(String annotation, String name, String firstClass, String secondClass) {
        return annotation + " name '" + name + "' is used by both " + firstClass + " and " + secondClass
                + ". Give each its own name.";
    }

    static String valueAndUrlPatterns(String annotation, String className) {
        return annotation + " on " + className + " sets both 'value' and 'urlPatterns'; the spec forbids that. "
                + "Use one of them.";
    }

    static String badAnnotatedPattern(String annotation, String className, String pattern, String problem) {
        return annotation + " on " + className + ": url pattern '" + printable(pattern) + "' is not valid: "
                + problem + ".";
    }

    static String mappingToUnknownServlet(String file, int line, String servlet, Collection<String> known) {
        return descriptorProblem(file, line, "<servlet-mapping> names servlet '" + servlet
                + "', which no web.xml, web fragment or @WebServlet declares" + known(known) + ".");
    }

    static String mappingToUnknownFilter(String file, int line, String filter, Collection<String> known) {
        return descriptorProblem(file, line, "<filter-mapping> names filter '" + filter
                + "', which no web.xml, web fragment or @WebFilter declares" + known(known) + ".");
    }

    static String patternMappedTwice(String pattern, String firstServlet, String firstPlace, String secondServlet,
                                     String secondPlace) {
        return "URL pattern '" + pattern + "' is mapped to two servlets: '" + firstServlet + "' (" + firstPlace
                + ") and '" + secondServlet + "' (" + secondPlace + "). The spec forbids this; map it to one.";
    }

    static String scanFailed(String app, Exception cause) {
        return "Could not scan the classes of " + app + " for annotations: " + causeText(cause)
                + ". A jar in WEB-INF/lib may be damaged; rebuild the app.";
    }

    // ---- plain servlet apps (the texts the servlet host used, kept word for word)

    static String noServletClass(String appName) {
        return "App '" + appName + "' names no servlet class. Set 'servlet = com.example.MyServlet' in its config.";
    }

    static String servletClassLooksLikePath(String name) {
        return "Servlet class '" + name + "' is not a Java class name. Write the fully qualified class name, "
                + "like com.example.MyServlet, not a file path or a .class file name.";
    }

    static String baseDirMissing(Path baseDir) {
        return "The app's directory " + baseDir + " does not exist. Classpath entries resolve against it: "
                + "check the 'chdir' option.";
    }

    static String classpathEntryMissing(String entry, Path resolved) {
        return "Classpath entry '" + entry + "' does not exist: looked for " + resolved
                + ". Fix the path in the 'classpath' option, or remove the entry.";
    }

    static String classpathGlobDirectoryMissing(String entry, Path directory) {
        return "Classpath entry '" + entry + "' matches nothing: directory " + directory
                + " does not exist. Fix the path in the 'classpath' option.";
    }

    static String classpathGlobNoMatch(String entry, Path directory, List<String> contents) {
        String holds = contents.isEmpty() ? "it is empty" : "it holds " + String.join(", ", contents);
        return "Classpath entry '" + entry + "' matches no jar or zip file in " + directory + " (" + holds
                + "). A glob selects .jar and .zip files only; end the entry with '/' to select directories.";
    }

    static String classpathUnreadable(String entry, Exception cause) {
        return "Classpath entry '" + entry + "' could not be read: " + cause;
    }

    // ---- helpers

    private static String known(Collection<String> names) {
        if (names.isEmpty()) {
            return " (none is declared)";
        }
        return " (declared: " + names.stream().limit(10).collect(Collectors.joining(", "))
                + (names.size() > 10 ? ", ..." : "") + ")";
    }

    private static String causeText(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    private static String bytes(long count) {
        if (count >= 1L << 30 && count % (1L << 30) == 0) {
            return (count >> 30) + " GiB";
        }
        if (count >= 1L << 20 && count % (1L << 20) == 0) {
            return (count >> 20) + " MiB";
        }
        return count + " bytes";
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
