package dev.malt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs Netty's leak detector at PARANOID and fails the test when it reports a leak, instead of only
 * logging it. The factory must be installed before the first ByteBuf class loads, so every test class
 * that touches buffers registers this extension.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterEachCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            fail("leak detection must run at PARANOID, is " + ResourceLeakDetector.getLevel());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        failOnLeaks();
    }

    /**
     * Installs the recording detector (this class's static part) for runners that are not JUnit Jupiter,
     * such as jqwik; call it before the first buffer is made.
     */
    public static void install() {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            fail("leak detection must run at PARANOID, is " + ResourceLeakDetector.getLevel());
        }
    }

    /** Collects garbage, lets Netty poll its trackers, and fails with every leak it reported since the last call. */
    public static void failOnLeaks() throws InterruptedException {
        // Leaks surface when a collected tracker is polled, which happens on the next allocation.
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(20);
            ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(1);
            probe.release();
        }
        if (!LEAKS.isEmpty()) {
            List<String> found = new ArrayList<>(LEAKS);
            LEAKS.clear();
            fail("Netty reported " + found.size() + " leaked buffer(s):\n" + String.join("\n", found));
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        @SuppressWarnings("deprecation")
        RecordingDetector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add(resourceType + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add(resourceType);
        }
    }
}
