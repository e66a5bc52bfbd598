package dev.malt.server.files;

import dev.malt.server.config.AppConfig;
import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.core.WebResources;
import dev.malt.server.servlet.deploy.WebAppDeployer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code malt collectstatic}: copies an app's static files into one directory, laid out by URL path, for
 * nginx or Apache to serve without Malt: the {@code static-map} directories (and files), and the static
 * files of each WAR context (everything outside WEB-INF and META-INF, plus the {@code META-INF/resources}
 * of its jars, minus JSP pages and paths that a servlet mapping or a security constraint of the WAR
 * claims). What Malt would serve for a URL is what lands at that path: static-map first, in order, then
 * the context that owns the URL.
 *
 * <p>The directory is Malt's: a manifest ({@value #MANIFEST}) lists what it copied, so a second run
 * replaces changed files, removes the ones that are gone, and never touches a file it did not put there.
 * A directory that is not empty and has no manifest is refused, as is one inside a source (or holding
 * one). Symlinks are followed only while they stay inside their source. Files are written under a temporary
 * name and renamed, so a web server never serves half a file.
 */
public final class CollectStatic {

    /** The list of files a run copied, in the target directory. */
    public static final String MANIFEST = ".malt-collectstatic";
    /** Default cap on the files one run copies; the plan of a run lives in memory. */
    public static final int DEFAULT_MAX_FILES = 200_000;

    /** A reason not to run, in words for the operator. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** What a run did; paths are relative to the target directory. */
    public record Summary(List<String> copied, List<String> removed, int unchanged, List<String> notes) {
    }

    /** One file to collect: where it comes from, for messages. */
    private record Planned(Path source, String origin) {
    }

    /** A WAR context to collect: its URL path ({@code ""} for the root) and its .war file or directory. */
    private record Context(String path, Path source) {
    }

    private final AppConfig config;
    private final Path target;
    private final int maxFiles;

    public CollectStatic(AppConfig config, Path target) {
        this(config, target, DEFAULT_MAX_FILES);
    }

    /** @param maxFiles files one run may copy at most; more is an error (see {@link #DEFAULT_MAX_FILES}) */
    public CollectStatic(AppConfig config, Path target, int maxFiles) {
        this.config = config;
        this.target = target.toAbsolutePath().normalize();
        this.maxFiles = maxFiles;
    }

    /** The target directory, absolute. */
    public Path target() {
        return target;
    }

    /**
     * Collects. {@code log} hears one line per file copied or removed.
     *
     * @throws Refused when the target is unsafe to write, or a WAR cannot be read
     */
    public Summary run(Consumer<String> log) throws Refused, IOException {
        List<Context> contexts = contexts();
        Path targetReal = checkTarget(contexts);
        Map<String, Planned> plan = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        Path scratch = Files.createTempDirectory("malt-collectstatic-");
        try {
            for (AppConfig.StaticMap map : config.staticMaps()) {
                planStaticMap(map, plan, notes);
            }
            for (Context context : contexts) {
                planContext(context, contexts, scratch, plan, notes);
            }
            return apply(targetReal, plan, notes, log);
        } finally {
            deleteTree(scratch);
        }
    }

    // ---- what to collect

    private List<Context> contexts() {
        List<Context> contexts = new ArrayList<>();
        for (Path war : config.wars()) {
            contexts.add(new Context("", war));
        }
        for (AppConfig.Mount mount : config.mounts()) {
            contexts.add(new Context(mount.contextPath(), mount.target()));
        }
        return contexts;
    }

    private void planStaticMap(AppConfig.StaticMap map, Map<String, Planned> plan, List<String> notes)
            throws IOException, Refused {
        String prefix = trimSlashes(map.prefix());
        Path root = map.target().toRealPath();
        String origin = "static-map " + map.prefix();
        if (!Files.isDirectory(root)) {
            add(plan, prefix, new Planned(root, origin));
            return;
        }
        for (Map.Entry<String, Path> file : walk(root, notes).entrySet()) {
            add(plan, join(prefix, file.getKey()), new Planned(file.getValue(), origin));
        }
    }

    private void planContext(Context context, List<Context> all, Path scratch, Map<String, Planned> plan,
                             List<String> notes) throws IOException, Refused {
        WebAppDeployer.StaticSide side;
        String shown = context.path().isEmpty() ? "/" : context.path();
        try {
            side = new WebAppDeployer(null).staticSide(config.appName(),
                    context.source(), Files.createTempDirectory(scratch, "context-"));
        } catch (AppLoadException e) {
            throw new Refused("cannot read the WAR at " + shown + ": " + e.getMessage());
        }
        ContainerPaths owners = new ContainerPaths(side.model());
        String origin = "WAR " + shown;
        Map<String, Integer> left = new LinkedHashMap<>();
        Set<String> filtered = new LinkedHashSet<>();
        for (Path root : side.resourceRoots()) {
            for (Map.Entry<String, Path> file : walk(root.toRealPath(), notes).entrySet()) {
                String path = "/" + file.getKey();
                String url = context.path() + path;
                if (WebResources.isProtected(path) || !owningContext(url, all).equals(context.path())) {
                    continue;
                }
                String owner = owners.owner(path);
                if (owner != null) {
                    left.merge(owner, 1, Integer::sum);
                    continue;
                }
                if (add(plan, trimSlashes(url), new Planned(file.getValue(), origin))) {
                    filtered.addAll(owners.filtersOn(path));
                }
            }
        }
        left.forEach((why, count) -> notes.add(origin + ": " + count + " file(s) left to Malt, " + why));
        if (!filtered.isEmpty()) {
            notes.add(origin + ": filter(s) " + String.join(", ", filtered) + " apply to collected files in Malt, but"
                    + " not when the web server serves them; keep those paths out of its static locations if that"
                    + " matters");
        }
    }

    /** The context that answers a URL: the longest context path that is a whole-segment prefix of it. */
    private static String owningContext(String url, List<Context> contexts) {
        String best = null;
        for (Context c : contexts) {
            boolean covers = c.path().isEmpty() || url.equals(c.path()) || url.startsWith(c.path() + "/");
            if (covers && (best == null || c.path().length() > best.length())) {
                best = c.path();
            }
        }
        return best == null ? "" : best;
    }

    /** The first source of a path wins, as when Malt serves it; false when it was taken. */
    private boolean add(Map<String, Planned> plan, String relative, Planned planned) throws Refused {
        if (plan.containsKey(relative)) {
            return false;
        }
        if (plan.size() >= maxFiles) {
            throw new Refused("more than " + maxFiles + " files to collect; collectstatic is for static assets, not"
                    + " for a media library (serve that with its own 'location' and 'alias')");
        }
        plan.put(relative, planned);
        return true;
    }

    /**
     * Regular files below {@code root} by relative path ('/'-separated), in name order. Symlinks are followed
     * while they stay inside {@code root}; names that Malt's static-map would refuse are left out.
     */
    private static Map<String, Path> walk(Path root, List<String> notes) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root) && !inside(root, dir)) {
                    notes.add("skipped " + dir + ": a symlink out of " + root);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                if (!inside(root, file)) {
                    notes.add("skipped " + file + ": a symlink out of " + root);
                    return FileVisitResult.CONTINUE;
                }
                String relative = root.relativize(file).toString();
                if (StaticMappings.suspicious("/" + relative) != null) {
                    notes.add("skipped " + file + ": " + StaticMappings.suspicious("/" + relative));
                    return FileVisitResult.CONTINUE;
                }
                files.put(relative, file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                notes.add("skipped " + file + ": " + (e instanceof FileSystemLoopException ? "a symlink loop" : e));
                return FileVisitResult.CONTINUE;
            }
        });
        Map<String, Path> sorted = new LinkedHashMap<>();
        new TreeSet<>(files.keySet()).forEach(k -> sorted.put(k, files.get(k)));
        return sorted;
    }

    private static boolean inside(Path root, Path path) throws IOException {
        return path.toRealPath().startsWith(root);
    }

    // ---- the target directory

    /** The target's real path, once it is known to be safe to fill. */
    private Path checkTarget(List<Context> contexts) throws Refused, IOException {
        List<Path> sources = new ArrayList<>();
        for (AppConfig.StaticMap map : config.staticMaps()) {
            sources.add(map.target().toRealPath());
        }
        for (Context context : contexts) {
            sources.add(context.source().toRealPath());
        }
        Path real = realPathToBe(target);
        for (Path source : sources) {
            if (real.startsWith(source) && Files.isDirectory(source)) {
                throw new Refused(target + " is inside " + source + ", which it would collect from; pick a directory"
                        + " outside every static-map directory and WAR");
            }
            if (source.startsWith(real)) {
                throw new Refused(target + " holds " + source + ", which it would collect from; pick a directory of"
                        + " its own, e.g. /srv/" + config.appName() + "-static");
            }
        }
        Files.createDirectories(real);
        if (!Files.exists(real.resolve(MANIFEST))) {
            try (Stream<Path> entries = Files.list(real)) {
                if (entries.findAny().isPresent()) {
                    throw new Refused(target + " is not empty and was not made by collectstatic (no " + MANIFEST
                            + "); give a new or empty directory, so that no file of yours is replaced");
                }
            }
        }
        return real;
    }

    /** The real path a directory has, or will have once created: its nearest existing ancestor's, resolved. */
    private static Path realPathToBe(Path dir) throws IOException {
        Path existing = dir;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing.toRealPath().resolve(existing.relativize(dir)).normalize();
    }

    private Summary apply(Path root, Map<String, Planned> plan, List<String> notes, Consumer<String> log)
            throws IOException {
        List<String> removed = new ArrayList<>();
        for (String old : readManifest(root)) {
            if (!plan.containsKey(old) && remove(root, old)) {
                removed.add(old);
                log.accept("removed " + old);
            }
        }
        List<String> copied = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, Planned> entry : plan.entrySet()) {
            if (copy(root, entry.getKey(), entry.getValue().source())) {
                copied.add(entry.getKey());
                log.accept("copied " + entry.getKey() + "  (" + entry.getValue().origin() + ")");
            } else {
                unchanged++;
            }
        }
        writeManifest(root, plan.keySet());
        return new Summary(copied, removed, unchanged, notes);
    }

    /** Copies unless the copy is already there (same size and time); false when it was. */
    private static boolean copy(Path root, String relative, Path source) throws IOException {
        Path destination = root.resolve(relative);
        Path parent = createDirectories(root, destination.getParent());
        BasicFileAttributes from = Files.readAttributes(source, BasicFileAttributes.class);
        if (Files.isRegularFile(destination, LinkOption.NOFOLLOW_LINKS)) {
            BasicFileAttributes to = Files.readAttributes(destination, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (to.size() == from.size() && to.lastModifiedTime().equals(from.lastModifiedTime())) {
                return false;
            }
        }
        Path temporary = parent.resolve("." + destination.getFileName() + ".malt-tmp");
        Files.deleteIfExists(temporary);
        try (var out = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(source, out);
        }
        Files.setLastModifiedTime(temporary, from.lastModifiedTime());
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temporary, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** Creates the directories down to {@code dir} (0755), refusing any that lead out of {@code root}. */
    private static Path createDirectories(Path root, Path dir) throws IOException {
        Path current = root;
        for (Path name : root.relativize(dir)) {
            current = current.resolve(name.toString());
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
                Files.setPosixFilePermissions(current, PosixFilePermissions.fromString("rwxr-xr-x"));
            } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(current + " is in the way of a directory collectstatic needs; move it away");
            }
        }
        return current;
    }

    /** Removes a file this tool copied before, and the directories it leaves empty; false when it was gone. */
    private static boolean remove(Path root, String relative) throws IOException {
        if (StaticMappings.suspicious("/" + relative) != null) {
            return false; // not a line this tool wrote
        }
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root) || !file.getParent().toRealPath().startsWith(root)) {
            return false;
        }
        boolean removed;
        try {
            removed = Files.deleteIfExists(file);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            return false;
        }
        for (Path dir = file.getParent(); !dir.equals(root); dir = dir.getParent()) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    break;
                }
            }
            Files.delete(dir);
        }
        return removed;
    }

    private static List<String> readManifest(Path root) throws IOException {
        Path manifest = root.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        return Files.readAllLines(manifest, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
    }

    private static void writeManifest(Path root, Set<String> files) throws IOException {
        StringBuilder text = new StringBuilder("# files copied by 'malt collectstatic'; it removes them when their"
                + " source is gone\n");
        new TreeSet<>(files).forEach(f -> text.append(f).append('\n'));
        Path temporary = root.resolve(MANIFEST + ".malt-tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, root.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // ---- what to tell the web server

    /**
     * nginx locations for the server block that proxies to the app: an {@code alias} per static-map, and for
     * each WAR context a {@code root} with {@code try_files}, so a URL without a collected file still reaches
     * Malt through {@code @malt}.
     */
    public String nginx() {
        StringBuilder c = new StringBuilder();
        c.append("# In the server { } that proxies to app '").append(config.appName())
                .append("' (malt collectstatic --to ").append(target).append("):\n");
        for (AppConfig.StaticMap map : config.staticMaps()) {
            String prefix = trimSlashes(map.prefix());
            if (Files.isDirectory(map.target())) {
                String url = prefix.isEmpty() ? "/" : "/" + prefix + "/";
                c.append("location ").append(url).append(" {\n")
                        .append("    alias ").append(target.resolve(prefix)).append(prefix.isEmpty() ? "" : "/").append(";\n")
                        .append("}\n");
            } else {
                c.append("location = /").append(prefix).append(" {\n")
                        .append("    alias ").append(target.resolve(prefix)).append(";\n")
                        .append("}\n");
            }
        }
        List<Context> contexts = contexts();
        for (Context context : contexts) {
            String url = context.path() + "/";
            c.append("location ").append(url).append(" {").append(context.path().isEmpty()
                            ? "    # replaces the 'location /' that includes malt-uwsgi.conf\n" : "\n")
                    .append("    root ").append(target).append(";\n")
                    .append("    try_files $uri @malt;\n")
                    .append("}\n");
        }
        if (!contexts.isEmpty()) {
            c.append("location @malt {\n")
                    .append("    include snippets/malt-uwsgi.conf;    # uwsgi_pass to the app's upstream\n")
                    .append("}\n");
        }
        return c.toString();
    }

    /**
     * Apache lines for the VirtualHost, before the {@code Include} of malt-uwsgi.conf: an {@code Alias} (kept
     * from the proxy) per static-map, and for each WAR context a rewrite that serves a collected file when
     * there is one, leaving every other URL to the proxy.
     */
    public String apache() {
        StringBuilder c = new StringBuilder();
        c.append("# In the VirtualHost of app '").append(config.appName())
                .append("', before 'Include conf-available/malt-uwsgi.conf' (needs mod_alias");
        List<Context> contexts = contexts();
        c.append(contexts.isEmpty() ? "):\n" : " and mod_rewrite):\n");
        for (AppConfig.StaticMap map : config.staticMaps()) {
            String prefix = trimSlashes(map.prefix());
            boolean directory = Files.isDirectory(map.target());
            String url = "/" + prefix + (directory && !prefix.isEmpty() ? "/" : "");
            String path = target.resolve(prefix) + (directory && !prefix.isEmpty() ? "/" : "");
            c.append("ProxyPass \"").append(url).append("\" \"!\"\n");
            c.append("Alias \"").append(url).append("\" \"").append(path).append("\"\n");
        }
        if (!contexts.isEmpty()) {
            c.append("RewriteEngine On\n");
            for (Context context : contexts) {
                c.append("RewriteCond \"").append(target).append("%{REQUEST_URI}\" -f\n")
                        .append("RewriteRule \"^").append(context.path()).append("/\" \"").append(target)
                        .append("%{REQUEST_URI}\" [L]\n");
            }
        }
        c.append("<Directory \"").append(target).append("\">\n")
                .append("    Require all granted\n")
                .append("    Options -Indexes\n")
                .append("</Directory>\n");
        return c.toString();
    }

    // ---- helpers

    private static String trimSlashes(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }

    private static String join(String prefix, String relative) {
        return prefix.isEmpty() ? relative : prefix + "/" + relative;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a scratch directory in the temp dir: the OS cleans it eventually
        }
    }
}
