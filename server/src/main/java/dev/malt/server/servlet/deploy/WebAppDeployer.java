package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Deployment: turns what the operator named (a .war file, an exploded WAR directory, or a servlet class
 * with a classpath) into a {@link DeployedApp}: the merged model of the app, its class loader, its
 * resource directories and its temp directory. Nothing of the app runs here: classes are read as bytes,
 * never loaded. Every failure is an {@link AppLoadException} whose message names the file (and line) and
 * says what to change.
 *
 * <p>State lives under the app's state directory, shared by all its worker JVMs:
 * <pre>
 * stateDir/webapps/&lt;context&gt;/&lt;version&gt;/war/                 the unpacked WAR (reused while the WAR is unchanged)
 * stateDir/webapps/&lt;context&gt;/&lt;version&gt;/jar-resources/&lt;jar&gt;/ META-INF/resources of WEB-INF/lib jars
 * stateDir/webapps/&lt;context&gt;/&lt;version&gt;/model.json           the merged model, read by later starts
 * stateDir/tmp/&lt;context&gt;-&lt;pid&gt;/                             each worker's temp directory
 * </pre>
 * where {@code <context>} is {@code ROOT} for the root context, {@code shop} for {@code /shop}.
 */
public final class WebAppDeployer {

    /**
     * Caps on what a WAR may make Malt write or read, against zip bombs and runaway descriptors.
     *
     * @param maxUnpackedBytes   bytes one deployment may unpack in total: the WAR plus the
     *                           {@code META-INF/resources} of its jars (default 4 GiB)
     * @param maxEntries         archive entries one deployment may unpack, directories included
     *                           (default 100,000)
     * @param maxEntryBytes      bytes of one unpacked entry (default 1 GiB)
     * @param maxDescriptorBytes bytes of one web.xml, web-fragment.xml or service file (default 8 MiB)
     */
    public record Limits(long maxUnpackedBytes, int maxEntries, long maxEntryBytes, int maxDescriptorBytes) {

        public static final Limits DEFAULTS = new Limits(4L << 30, 100_000, 1L << 30, 8 << 20);

        public Limits {
            if (maxUnpackedBytes <= 0 || maxEntries <= 0 || maxEntryBytes <= 0 || maxDescriptorBytes <= 0) {
                throw new IllegalArgumentException("deployment limits must be positive: " + maxUnpackedBytes + ", "
                        + maxEntries + ", " + maxEntryBytes + ", " + maxDescriptorBytes);
            }
        }
    }

    private final Limits limits;

    public WebAppDeployer(Limits limits) {
        this.limits = limits == null ? Limits.DEFAULTS : limits;
    }

    /**
     * Deploys a .war file or an exploded directory for one context.
     *
     * @param appName     the app's name, for the class loader's name and messages
     * @param contextPath {@code ""} or {@code "/"} for the root, else {@code /shop}
     * @param source      the .war file or the exploded directory
     * @param stateDir    the app's state directory (unpacked WARs, temp directories)
     */
    public DeployedApp deploy(String appName, String contextPath, Path source, Path stateDir)
            throws AppLoadException {
        String context = ContextNames.normalize(contextPath);
        String contextDir = ContextNames.directoryName(context);
        Path absolute = source.toAbsolutePath().normalize();
        Path appStateDir = stateDir.toAbsolutePath().normalize().resolve("webapps").resolve(contextDir);
        if (!Files.isDirectory(absolute) && !Files.isRegularFile(absolute)) {
            throw new AppLoadException(DeployMessages.sourceMissing(appName, absolute));
        }
        Layout layout = layout(absolute, appStateDir);
        Path root = layout.resourceRoots().get(0);
        WebAppAssembler.Result assembled = layout.assembled();
        List<Path> resourceRoots = layout.resourceRoots();

        List<Path> classpath = new ArrayList<>();
        Path classes = root.resolve("WEB-INF/classes");
        if (Files.isDirectory(classes)) {
            classpath.add(classes);
        }
        try {
            classpath.addAll(JarResources.jarsIn(root.resolve("WEB-INF/lib")));
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.sourceUnreadable(root.resolve("WEB-INF/lib"), e), e);
        }
        Path tempDir = WorkerTempDir.create(stateDir, contextDir);
        WebAppClassLoader loader = new WebAppClassLoader("malt-app:" + appName + context, urls(classpath));
        return new DeployedApp(context, absolute, assembled.model(), loader, resourceRoots, tempDir);
    }

    /**
     * A context's static side, without deploying it: the directories its files come from, in the order the
     * default servlet tries them (the WAR's root, then the {@code META-INF/resources} of its jars), and its
     * merged model (servlet mappings, security constraints, JSP groups). A .war is unpacked under
     * {@code scratchDir} with the same checks and caps as a deployment; no class of the app is loaded.
     *
     * @param resourceRoots the WAR's root first; a file found in an earlier root hides later ones
     */
    public record StaticSide(List<Path> resourceRoots, WebAppModel model) {
        public StaticSide {
            resourceRoots = List.copyOf(resourceRoots);
        }
    }

    /** See {@link StaticSide}; {@code scratchDir} is the caller's to delete. */
    public StaticSide staticSide(String appName, Path source, Path scratchDir) throws AppLoadException {
        Path absolute = source.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute) && !Files.isRegularFile(absolute)) {
            throw new AppLoadException(DeployMessages.sourceMissing(appName, absolute));
        }
        Layout layout = layout(absolute, scratchDir.toAbsolutePath().normalize());
        return new StaticSide(layout.resourceRoots(), layout.assembled().model());
    }

    /** Where a WAR's files are (unpacked when it is a file), and its model. */
    private record Layout(List<Path> resourceRoots, WebAppAssembler.Result assembled) {
    }

    private Layout layout(Path absolute, Path appStateDir) throws AppLoadException {
        Path root;
        List<Path> jarResourceDirs = new ArrayList<>();
        WebAppAssembler.Result assembled;
        if (Files.isDirectory(absolute)) {
            root = ExplodedDirectory.verify(absolute);
            Path extracted = JarResources.extractForExploded(root, appStateDir, limits);
            if (extracted != null) {
                jarResourceDirs.add(extracted);
            }
            // An exploded directory may change in place: assembled at every start.
            assembled = new WebAppAssembler(root, absolute.toString(), false, limits).assemble();
        } else {
            Path versionDir = WarUnpacker.unpack(absolute, appStateDir, limits);
            root = versionDir.resolve(WarUnpacker.WAR_DIR);
            jarResourceDirs.add(versionDir.resolve(WarUnpacker.JAR_RESOURCES_DIR));
            assembled = ModelCache.load(versionDir, root);
            if (assembled == null) {
                assembled = new WebAppAssembler(root, absolute.toString(), true, limits).assemble();
                ModelCache.store(versionDir, assembled);
            }
        }
        List<Path> resourceRoots = new ArrayList<>();
        resourceRoots.add(root);
        for (Path jar : assembled.includedJars()) {
            for (Path dir : jarResourceDirs) {
                Path resources = dir.resolve(jar.getFileName().toString());
                if (Files.isDirectory(resources)) {
                    resourceRoots.add(resources);
                }
            }
        }
        return new Layout(resourceRoots, assembled);
    }

    /**
     * A plain servlet app (INI: {@code servlet = X}, {@code classpath = ...}): one servlet mapped at
     * {@code /*}, a loader over the resolved classpath, and {@code baseDir} as the resource root.
     */
    public DeployedApp deployServletClass(String appName, String contextPath, String servletClass,
                                          List<String> classpath, Path baseDir, Map<String, String> initParams,
                                          Path stateDir) throws AppLoadException {
        String className = servletClass == null ? "" : servletClass.trim();
        if (className.isEmpty()) {
            throw new AppLoadException(DeployMessages.noServletClass(appName));
        }
        if (className.contains("/") || className.endsWith(".class") || className.endsWith(".java")) {
            throw new AppLoadException(DeployMessages.servletClassLooksLikePath(className));
        }
        String context = ContextNames.normalize(contextPath);
        Path base = (baseDir == null ? Path.of("") : baseDir).toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) {
            throw new AppLoadException(DeployMessages.baseDirMissing(base));
        }
        List<Path> resolved = ClasspathResolver.resolve(classpath == null ? List.of() : classpath, base);
        WebAppModel model = WebAppModel.singleServlet(appName, className, "/*",
                initParams == null ? Map.of() : initParams);
        Path tempDir = WorkerTempDir.create(stateDir, ContextNames.directoryName(context));
        WebAppClassLoader loader = new WebAppClassLoader("malt-app:" + appName + context, urls(resolved));
        return new DeployedApp(context, base, model, loader, List.of(base), tempDir);
    }

    private static URL[] urls(List<Path> classpath) throws AppLoadException {
        URL[] urls = new URL[classpath.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = classpath.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new AppLoadException(DeployMessages.classpathUnreadable(classpath.get(i).toString(), e), e);
            }
        }
        return urls;
    }
}
