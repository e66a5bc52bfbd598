package dev.malt.server.watch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Tells whoever asked, as soon as the kernel reports it (inotify), that a file they care about was created,
 * touched, written, renamed into place or removed. It only wakes a loop that then looks for itself: a watch
 * can be missed (a directory that does not exist yet, a network file system, a full event queue), so the
 * loops keep a slow poll as well, and this takes away the poll's delay in the usual case.
 *
 * <p>One watch service and one thread serve the whole JVM: the emperor runs many masters in one.
 */
public final class FileChanges {

    private static final Logger LOG = LoggerFactory.getLogger(FileChanges.class);
    private static final WatchEvent.Kind<?>[] KINDS = {StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE};

    private static FileChanges shared;

    private final WatchService service;
    /** Watched directory, and who waits for which names in it. Guarded by {@code this}. */
    private final Map<Path, Watched> directories = new HashMap<>();

    /** A watched directory: its key and its subscriptions. */
    private static final class Watched {
        final WatchKey key;
        final List<Subscription> subscriptions = new ArrayList<>();

        Watched(WatchKey key) {
            this.key = key;
        }
    }

    /** What one caller watches; closing it ends the watch. */
    public final class Subscription implements AutoCloseable {
        /** Per watched directory: which entry names concern this subscription. */
        private final Map<Path, Predicate<Path>> names = new HashMap<>();
        private final Runnable onChange;

        private Subscription(Runnable onChange) {
            this.onChange = onChange;
        }

        /** Whether any directory could be watched; when none could, only polling sees changes. */
        public boolean active() {
            synchronized (FileChanges.this) {
                return !names.isEmpty();
            }
        }

        @Override
        public void close() {
            synchronized (FileChanges.this) {
                for (Path dir : names.keySet()) {
                    Watched watched = directories.get(dir);
                    if (watched != null) {
                        watched.subscriptions.remove(this);
                        if (watched.subscriptions.isEmpty()) {
                            watched.key.cancel();
                            directories.remove(dir);
                        }
                    }
                }
                names.clear();
            }
        }
    }

    FileChanges(WatchService service) {
        this.service = Objects.requireNonNull(service);
        Thread thread = new Thread(this::run, "file-changes");
        thread.setDaemon(true);
        thread.start();
    }

    /** The JVM's one instance, started on first use. */
    public static synchronized FileChanges shared() throws IOException {
        if (shared == null) {
            shared = new FileChanges(FileSystems.getDefault().newWatchService());
        }
        return shared;
    }

    /**
     * Runs {@code onChange} on this class's thread whenever one of {@code files} may have changed: it must be
     * quick (post an event to a loop). Watches each file's directory, and for a symbolic link also its target's,
     * so that touching either counts. A directory that cannot be watched is left out, silently: the caller polls.
     */
    public Subscription watch(Collection<Path> files, Runnable onChange) {
        Subscription subscription = new Subscription(Objects.requireNonNull(onChange));
        synchronized (this) {
            for (Path file : files) {
                addFile(subscription, file.toAbsolutePath().normalize());
                try {
                    addFile(subscription, file.toRealPath());
                } catch (IOException e) {
                    // missing for now: its directory's watch sees it appear
                }
            }
        }
        return subscription;
    }

    /**
     * As {@link #watch}, for every entry of {@code dir} whose name ends with {@code suffix} ({@code ".ini"}): one
     * that appears, is touched, edited, replaced or removed. The directory itself must exist to be watched.
     */
    public Subscription watchDirectory(Path dir, String suffix, Runnable onChange) {
        Objects.requireNonNull(suffix);
        Subscription subscription = new Subscription(Objects.requireNonNull(onChange));
        synchronized (this) {
            add(subscription, dir.toAbsolutePath().normalize(), name -> name.toString().endsWith(suffix));
        }
        return subscription;
    }

    /** Ends the watch service and its thread (tests; the shared instance lives as long as the JVM). */
    void shutdown() throws IOException {
        service.close();
    }

    private void addFile(Subscription subscription, Path file) {
        Path dir = file.getParent();
        Path name = file.getFileName();
        if (dir != null && name != null) {
            add(subscription, dir, name::equals);
        }
    }

    private void add(Subscription subscription, Path dir, Predicate<Path> concerns) {
        Watched watched = directories.get(dir);
        if (watched == null) {
            try {
                watched = new Watched(dir.register(service, KINDS));
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot watch {} ({}); its files are polled", dir, e.toString());
                return;
            }
            directories.put(dir, watched);
        }
        if (!watched.subscriptions.contains(subscription)) {
            watched.subscriptions.add(subscription);
        }
        subscription.names.merge(dir, concerns, Predicate::or);
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            List<Runnable> wake = new ArrayList<>();
            synchronized (this) {
                Path dir = (Path) key.watchable();
                Watched watched = directories.get(dir);
                List<WatchEvent<?>> events = key.pollEvents();
                if (watched != null && watched.key == key) {
                    for (Subscription subscription : watched.subscriptions) {
                        if (concerns(events, subscription.names.getOrDefault(dir, name -> false))) {
                            wake.add(subscription.onChange);
                        }
                    }
                    if (!key.reset()) {
                        // The directory is gone: its files are polled until somebody watches again.
                        directories.remove(dir);
                        for (Subscription subscription : watched.subscriptions) {
                            subscription.names.remove(dir);
                        }
                    }
                }
            }
            for (Runnable onChange : wake) {
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    LOG.warn("a file change listener failed", e);
                }
            }
        }
    }

    private static boolean concerns(List<WatchEvent<?>> events, Predicate<Path> names) {
        for (WatchEvent<?> event : events) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || names.test((Path) event.context())) {
                return true;
            }
        }
        return false;
    }
}
