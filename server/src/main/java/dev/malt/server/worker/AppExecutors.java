package dev.malt.server.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The executor app code runs on: {@code threads = N} platform threads, or {@code threads = virtual}. */
final class AppExecutors {

    private static final Logger LOG = LoggerFactory.getLogger(AppExecutors.class);

    /** Platform threads used for {@code threads = virtual} on a JVM older than 21. */
    static final int VIRTUAL_FALLBACK_THREADS = 64;

    private AppExecutors() {
    }

    static ExecutorService fixed(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "app-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
    }

    /** Virtual threads where the JVM has them (21+); bytecode stays Java 17, hence the reflection. */
    static ExecutorService virtual() {
        try {
            Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) factory.invoke(null);
        } catch (ReflectiveOperationException e) {
            LOG.warn("threads = virtual needs Java 21 or newer, this JVM is {}; using {} platform threads "
                    + "(set java-home to a newer JDK for virtual threads)", Runtime.version().feature(),
                    VIRTUAL_FALLBACK_THREADS);
            return fixed(VIRTUAL_FALLBACK_THREADS);
        }
    }
}
