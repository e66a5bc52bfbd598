package dev.malt.server.master;

import java.nio.file.Path;

/** The JDK this master runs on; workers use it unless {@code java-home} says otherwise. */
final class JavaRuntime {

    private JavaRuntime() {
    }

    static Path current() {
        return Path.of(System.getProperty("java.home"));
    }
}
