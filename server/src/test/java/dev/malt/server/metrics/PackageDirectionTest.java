package dev.malt.server.metrics;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** master uses metrics, and metrics and status never use master: one direction, no cycle (issue 11). */
class PackageDirectionTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/malt/server");

    private static List<String> offenders(String pkg, String forbidden) throws IOException {
        Path dir = SOURCES.resolve(pkg);
        assertTrue(Files.isDirectory(dir), () -> dir.toAbsolutePath() + " (the tests run in the server module)");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readString(f).contains(forbidden);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void metricsAndStatusDoNotUseMaster() throws IOException {
        assertEquals(List.of(), offenders("metrics", "dev.malt.server.master"));
        assertEquals(List.of(), offenders("status", "dev.malt.server.master"));
        assertEquals(List.of(), offenders("status", "dev.malt.server.metrics"));
    }
}
