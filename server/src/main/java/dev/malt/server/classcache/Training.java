package dev.malt.server.classcache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The worker side of making a class cache. The master starts one worker of an app that has none with recording
 * flags ({@link CacheFormat#recordingFlags}); that worker serves like any other, and {@link #TRAINING_MILLIS} after
 * it is ready (its first requests' classes and profiles are then in), or when it is told to stop, whichever comes
 * first, it ends the recording with a diagnostic command, which writes the cache to a file of its own. It then
 * renames that file to the cache's name: the JVMs that start later map a complete file or none. Everything here
 * runs as the worker's user, in the app's state directory.
 */
public final class Training {

    private static final Logger LOG = LoggerFactory.getLogger(Training.class);

    /** How long a recording worker serves before it writes the cache. */
    public static final long TRAINING_MILLIS = 10_000;
    /** A leftover of a recording worker that was killed, older than this, is removed by the next one. */
    static final long ABANDONED_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final CacheFormat format;
    private final Path cache;
    private final Path output;
    private boolean done;

    Training(CacheFormat format, Path cache, Path output) {
        this.format = format;
        this.cache = cache;
        this.output = output;
    }

    /**
     * This worker's recording, when its master made it the one that records. A worker asked only to create the
     * cache's directory does so here, and records nothing.
     */
    public static Optional<Training> fromSystemProperties() {
        String directory = System.getProperty(CacheFormat.DIRECTORY_PROPERTY);
        if (directory != null) {
            try {
                Files.createDirectories(Path.of(directory));
            } catch (IOException e) {
                LOG.warn("cannot create {} for the app's class cache: {}; workers start without one", directory,
                        e.toString());
            }
        }
        String cache = System.getProperty(CacheFormat.CACHE_PROPERTY);
        String output = System.getProperty(CacheFormat.OUTPUT_PROPERTY);
        String format = System.getProperty(CacheFormat.FORMAT_PROPERTY);
        if (cache == null || output == null || format == null) {
            return Optional.empty();
        }
        Training training = new Training(CacheFormat.valueOf(format), Path.of(cache), Path.of(output));
        try {
            // The JVM writes the AOT cache there at the end, and cannot create the directory itself.
            Files.createDirectories(training.cache.getParent());
        } catch (IOException e) {
            LOG.warn("cannot create {} for the app's class cache: {}; workers start without one",
                    training.cache.getParent(), e.toString());
            return Optional.empty();
        }
        return Optional.of(training);
    }

    /**
     * Writes the cache {@link #TRAINING_MILLIS} from now, on a thread of its own (it pauses the JVM a moment), then
     * runs {@code written} if it did: recording cost this JVM memory that a worker started from the cache does not
     * spend, so it may ask to be replaced.
     */
    public void finishLater(Runnable written) {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(TRAINING_MILLIS);
                if (finish()) {
                    written.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "class-cache");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Ends the recording and publishes the cache, once; a later call (the worker stopping) returns at once.
     *
     * @return whether this call wrote the cache
     */
    public synchronized boolean finish() {
        if (done) {
            return false;
        }
        done = true;
        long start = System.nanoTime();
        String answer;
        try {
            answer = endRecording();
        } catch (JMException | RuntimeException e) {
            LOG.warn("the JVM did not write the app's class cache: {}; workers go on starting without one", e.toString());
            deleteQuietly(output);
            return false;
        }
        if (!Files.isRegularFile(output)) {
            LOG.warn("the JVM did not write the app's class cache to {}: {}; workers go on starting without one",
                    output, answer.strip().replace('\n', ' '));
            return false;
        }
        try {
            publish();
        } catch (IOException e) {
            LOG.warn("cannot put the app's class cache in place at {}: {}", cache, e.toString());
            deleteQuietly(output);
            return false;
        }
        LOG.info("wrote the app's class cache {} ({} MiB) in {} ms; the app's next workers start from it", cache,
                sizeMiB(cache), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        removeOthers();
        return true;
    }

    private String endRecording() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Object answer = server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                format.diagnosticCommand(), new Object[] {format.endArguments(output)},
                new String[] {String[].class.getName()});
        return String.valueOf(answer);
    }

    /** An atomic rename: a JVM that maps the cache sees the old file or the new one, never a part. */
    private void publish() throws IOException {
        try {
            Files.move(output, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename atomically", e);
        }
    }

    /**
     * Caches of this app made for other keys (another JDK, other jars) are of no use any more, nor are leftovers of
     * recordings that were killed. A worker still mapping an old one keeps it until it exits.
     */
    private void removeOthers() {
        String prefix = prefixOf(cache);
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(cache.getParent(), prefix + "*")) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (entry.equals(cache) || !ofApp(prefix, name) || !Files.isRegularFile(entry)) {
                    continue;
                }
                boolean finished = name.endsWith("." + CacheFormat.CDS.suffix())
                        || name.endsWith("." + CacheFormat.AOT.suffix());
                if (finished || now - Files.getLastModifiedTime(entry).toMillis() > ABANDONED_MILLIS) {
                    Files.deleteIfExists(entry);
                    LOG.debug("removed the old class cache file {}", entry);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot tidy {}: {}", cache.getParent(), e.toString());
        }
    }

    /** {@code shop-0123abcd.jsa} gives {@code shop-}: every file of the app's caches starts so. */
    static String prefixOf(Path cache) {
        String name = cache.getFileName().toString();
        return name.substring(0, name.lastIndexOf('-') + 1);
    }

    /**
     * Whether {@code name} is one of the files of the app whose caches start with {@code prefix}: a cache, or what a
     * recording left ({@code shop-0123abcd0123abcd.aot.7.tmp}); not {@code shop-admin-...}, another app's.
     */
    static boolean ofApp(String prefix, String name) {
        return name.startsWith(prefix) && name.substring(prefix.length())
                .matches("[0-9a-f]{" + CacheKey.LENGTH + "}\\.(" + CacheFormat.CDS.suffix() + "|"
                        + CacheFormat.AOT.suffix() + ")(\\..*)?");
    }

    private static long sizeMiB(Path file) {
        try {
            return Files.size(file) >> 20;
        } catch (IOException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", file, e.toString());
        }
    }
}
