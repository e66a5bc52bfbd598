package dev.malt.server.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine facts behind {@code %k} and {@code %h}; replaceable in tests. */
interface HostInfo {

    int cpuCount();

    String hostname();

    static HostInfo system() {
        return new HostInfo() {
            @Override
            public int cpuCount() {
                return Runtime.getRuntime().availableProcessors();
            }

            @Override
            public String hostname() {
                // gethostname(), as uWSGI's %h; avoids the DNS lookup InetAddress.getLocalHost() may do.
                try {
                    return Files.readAllLines(Path.of("/proc/sys/kernel/hostname")).get(0).strip();
                } catch (IOException | RuntimeException e) {
                    try {
                        return InetAddress.getLocalHost().getHostName();
                    } catch (IOException unknown) {
                        return "localhost";
                    }
                }
            }
        };
    }
}
