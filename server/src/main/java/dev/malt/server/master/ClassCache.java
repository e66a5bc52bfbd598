package dev.malt.server.master;

import dev.malt.server.classcache.CacheFormat;
import dev.malt.server.classcache.CacheKey;
import dev.malt.server.classcache.JvmRelease;
import dev.malt.server.classcache.Training;
import dev.malt.server.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.ToLongFunction;

/**
 * Which worker of an app starts from its class cache ({@code class-cache}), which one records it, and which cache
 * not to trust any more; one per master, kept across reloads. The master only looks (a file's time, as the worker's
 * user would see it, and the worker's memory map in /proc); the workers write, as themselves. At most one worker
 * records at a time, each into a file named for it, so two never write the same file.
 *
 * <p>A cache that a worker could not use (the JVM warns and starts without it: another build, a damaged file) or
 * that a worker crashed with before it was ready (a truncated file crashes JDK 17 as it maps it) is distrusted until
 * a new one replaces it: the next worker records one.
 *
 * <p>Called on the arbiter thread, and from process exit callbacks.
 */
final class ClassCache {

    private static final Logger LOG = LoggerFactory.getLogger(ClassCache.class);

    /** Recordings that may end without a cache before this master stops trying. */
    static final int MAX_FAILED_RECORDINGS = 2;
    static final String DIRECTORY = "class-cache";
    /**
     * How a JVM that crashed ends (128 + SIGABRT, SIGBUS, SIGSEGV): a damaged cache crashes JDK 17 as it maps it,
     * and HotSpot's crash handler aborts. Not SIGKILL, which is the master stopping a worker still starting (a
     * reload, a boot timeout), nor an app that cannot load.
     */
    static final java.util.Set<Integer> CRASHES = java.util.Set.of(134, 135, 139);

    /** What a worker is started with. */
    enum Role { USE, RECORD, NONE }

    /**
     * @param cache the cache file; null when the app has none
     * @param flags JVM flags for the worker, before {@code jvm-options}
     * @param setup what it was decided from
     */
    record Decision(Role role, Path cache, List<String> flags, Setup setup) {
        static final Decision NONE = new Decision(Role.NONE, null, List.of(), null);

        /** The cache's modification time as the worker's user sees it; -1 when there is none. */
        long cacheTime() {
            return setup.lastModified().applyAsLong(cache);
        }
    }

    /**
     * What one config asks for; the cache's name is worked out at each launch, so a new app jar behind a plain
     * reload gets a new cache.
     *
     * @param lastModified a file's time as the worker's user sees it; -1 when it cannot
     * @param masterMayCreateDirectory workers run as the master's own user: it may create their cache's directory
     */
    record Setup(CacheFormat format, Path directory, String appName, List<String> keyTexts, List<String> keyFiles,
                 ToLongFunction<Path> lastModified, boolean masterMayCreateDirectory) {

        Path cacheFile() {
            CacheKey key = new CacheKey(lastModified).texts("text", keyTexts).files("file", keyFiles);
            return directory.resolve(appName + "-" + key.value() + "." + format.suffix());
        }
    }

    private final String appName;
    /** Whether {@code pid} has a file named so mapped: the JVM maps a cache it uses. */
    private final BiPredicate<Long, String> mapped;
    private WorkerHandle recorder;
    private int failedRecordings;
    private boolean gaveUp;
    private long sequence;
    /** Caches not to use, by file, with the time they had then: a new file at that name is trusted again. */
    private final Map<Path, Long> distrusted = new HashMap<>();
    /** Workers started from a cache and not yet ready, by pid. */
    private final Map<Long, Decision> starting = new HashMap<>();
    /** Workers asked to create the cache's directory and not yet ready, by pid. */
    private final java.util.Set<Long> creatingDirectory = new java.util.HashSet<>();
    /** A worker asked to create the directory was ready: it had its chance. */
    private boolean directoryTried;

    ClassCache(String appName) {
        this(appName, ClassCache::mapsFile);
    }

    ClassCache(String appName, BiPredicate<Long, String> mapped) {
        this.appName = appName;
        this.mapped = mapped;
    }

    /**
     * The class cache setup of {@code config} for workers run by the JVM in {@code javaHome} ({@code release}, read
     * from it); empty when
     * {@code class-cache = off}, when that JVM cannot make one, or when {@code jvm-options} manage class sharing.
     *
     * @param jvmFlags   every flag the workers get besides the cache's (the cache depends on them)
     * @param classpath  Malt's own classpath
     * @param masterMayCreateDirectory the workers run as the master's user
     */
    static Optional<Setup> setup(AppConfig config, Path javaHome, Optional<JvmRelease> release, List<String> jvmFlags,
                                 String classpath, ToLongFunction<Path> lastModified,
                                 boolean masterMayCreateDirectory) {
        if (!config.classCacheEnabled()) {
            return Optional.empty();
        }
        Optional<String> own = CacheFormat.operatorFlag(config.jvmOptions());
        if (own.isPresent()) {
            LOG.info("jvm-options of {} has {}: Malt leaves class sharing to it (class-cache is off)",
                    config.appName(), own.get());
            return Optional.empty();
        }
        Optional<CacheFormat> format = release.flatMap(CacheFormat::forRelease);
        if (format.isEmpty()) {
            LOG.info("the JVM in {} cannot make a class cache for {} (no release file, or older than JDK 17); its"
                    + " workers start without one", javaHome, config.appName());
            return Optional.empty();
        }
        List<String> texts = new ArrayList<>();
        texts.add(format.get().name());
        texts.add(release.get().identity());
        texts.addAll(jvmFlags);
        config.servletClass().ifPresent(texts::add);
        config.mounts().forEach(mount -> texts.add(mount.contextPath()));
        List<String> files = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            // "lib/*": the directory's time changes whenever a jar in it is added, removed or replaced (dpkg renames)
            files.add(entry.endsWith("/*") ? entry.substring(0, entry.length() - 2) : entry);
        }
        files.addAll(config.classpath());
        config.wars().forEach(war -> files.add(war.toString()));
        config.mounts().forEach(mount -> files.add(mount.target().toString()));
        return Optional.of(new Setup(format.get(), config.stateDir().resolve(DIRECTORY), config.appName(),
                List.copyOf(texts), List.copyOf(files), lastModified, masterMayCreateDirectory));
    }

    /** What the next worker starts with. */
    synchronized Decision decide(Setup setup) {
        Path cache = setup.cacheFile();
        if (isUsable(cache, setup.lastModified().applyAsLong(cache))) {
            return new Decision(Role.USE, cache, setup.format().useFlags(cache), setup);
        }
        if (recorder != null || gaveUp) {
            return Decision.NONE;
        }
        if (setup.format().needsDirectoryAtLaunch() && !directoryExists(setup)) {
            if (directoryTried) {
                giveUp("its workers cannot create " + setup.directory() + " (see their warning)");
                return Decision.NONE;
            }
            // Only a worker may create it (as its user); the next worker records.
            return new Decision(Role.NONE, cache, List.of(CacheFormat.directoryFlag(setup.directory())), setup);
        }
        Path output = cache.resolveSibling(cache.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + ++sequence + ".tmp");
        return new Decision(Role.RECORD, cache, setup.format().recordingFlags(cache, output), setup);
    }

    private static boolean directoryExists(Setup setup) {
        if (setup.lastModified().applyAsLong(setup.directory()) >= 0) {
            return true;
        }
        if (!setup.masterMayCreateDirectory()) {
            return false;
        }
        try {
            Files.createDirectories(setup.directory());
            return true;
        } catch (IOException e) {
            LOG.debug("cannot create {}: {}", setup.directory(), e.toString());
            return false;
        }
    }

    /** There, and not the file that was distrusted (a new one replaces it by a rename, with its own time). */
    private boolean isUsable(Path cache, long time) {
        Long badTime = distrusted.get(cache);
        if (time < 0 || badTime != null && badTime == time) {
            return false;
        }
        distrusted.remove(cache);
        return true;
    }

    /** {@code worker} was started as {@code decision} says. */
    synchronized void launched(Decision decision, WorkerHandle worker) {
        switch (decision.role()) {
            case USE -> {
                starting.put(worker.pid(), decision);
                worker.onExit().thenAccept(code -> exited(worker, code));
            }
            case RECORD -> {
                recorder = worker;
                LOG.info("worker pid {} of {} records the app's class cache {}, written {} s after it is ready",
                        worker.pid(), appName, decision.cache(), Training.TRAINING_MILLIS / 1000);
                worker.onExit().thenAccept(code -> recorded(worker, decision));
            }
            case NONE -> {
                if (!decision.flags().isEmpty()) {
                    creatingDirectory.add(worker.pid());
                    worker.onExit().thenAccept(code -> forget(worker));
                }
            }
        }
    }

    private synchronized void forget(WorkerHandle worker) {
        creatingDirectory.remove(worker.pid());
    }

    /** {@code worker} is ready: if it was to start from a cache, did its JVM map it? */
    synchronized void ready(WorkerHandle worker) {
        if (creatingDirectory.remove(worker.pid())) {
            directoryTried = true;
        }
        Decision decision = starting.remove(worker.pid());
        if (decision != null && !mapped.test(worker.pid(), decision.cache().getFileName().toString())) {
            distrust(decision, "worker pid " + worker.pid() + " could not use it (see the JVM's warning above:"
                    + " another JDK build or other jars, or a damaged file)");
        }
    }

    private synchronized void exited(WorkerHandle worker, int exitCode) {
        Decision decision = starting.remove(worker.pid());
        if (decision != null && CRASHES.contains(exitCode)) {
            distrust(decision, "worker pid " + worker.pid() + " started from it and crashed before it was ready (exit"
                    + " code " + exitCode + ")");
        }
    }

    private synchronized void recorded(WorkerHandle worker, Decision decision) {
        if (recorder != worker) {
            return;
        }
        recorder = null;
        if (isUsable(decision.cache(), decision.cacheTime())) {
            failedRecordings = 0;
            return;
        }
        failedRecordings++;
        if (failedRecordings >= MAX_FAILED_RECORDINGS) {
            giveUp("it was not written by " + failedRecordings + " workers in a row (see their log lines)");
        } else {
            LOG.info("worker pid {} of {} ended without writing the app's class cache; the next worker records it",
                    worker.pid(), appName);
        }
    }

    private void giveUp(String why) {
        gaveUp = true;
        LOG.warn("the class cache of {} is given up: {}; its workers start without one until its config is reloaded",
                appName, why);
    }

    /** A new config: what failed before may work now (a directory made writable, another JDK). */
    synchronized void retry() {
        gaveUp = false;
        failedRecordings = 0;
        directoryTried = false;
    }

    private void distrust(Decision decision, String why) {
        distrusted.put(decision.cache(), decision.cacheTime());
        LOG.warn("the class cache {} of {} is not used any more: {}; the next worker records a new one",
                decision.cache(), appName, why);
    }

    /** Whether /proc/PID/maps has a file called {@code fileName} mapped; false when it cannot tell. */
    static boolean mapsFile(long pid, String fileName) {
        try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
            return lines.anyMatch(line -> line.endsWith("/" + fileName));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
