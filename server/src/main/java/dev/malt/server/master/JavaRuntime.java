package dev.malt.server.master;

import java.nio.file.Path;

/** The JDK this master runs on; workers use it unless {@code java-home} says otherwise. */
final class JavaRuntime {

    /**
     * Set by {@code bin/malt}: the class path of the JVMs a master starts ({@code lib/*}), which leaves out what only
     * the malt command needs ({@code lib/cli}). Fewer jars: less to open, index and scan in every worker.
     */
    static final String WORKER_CLASSPATH_PROPERTY = "malt.worker.classpath";

    private JavaRuntime() {
    }

    static Path current() {
        return Path.of(System.getProperty("java.home"));
    }

    /** The class path for workers and helper JVMs: bin/malt's choice, or this JVM's own (tests, an IDE). */
    static String workerClasspath() {
        String configured = System.getProperty(WORKER_CLASSPATH_PROPERTY);
        return configured == null || configured.isBlank() ? System.getProperty("java.class.path") : configured;
    }
}
