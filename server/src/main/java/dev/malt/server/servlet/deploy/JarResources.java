package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The static resources that WEB-INF/lib jars carry under {@code META-INF/resources/} (spec 10.5): served
 * as if they were in the WAR's root, after it. They are extracted, with the same rules and caps as the
 * WAR, into one directory per jar so the default servlet serves files, not jar entries.
 */
final class JarResources {

    private JarResources() {
    }

    /** The jars of a WEB-INF/lib directory, sorted by file name; empty when there is none. */
    static List<Path> jarsIn(Path libDir) throws IOException {
        if (!Files.isDirectory(libDir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(libDir)) {
            return list.filter(path -> path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
    }

    /**
     * Extracts the resources of every jar in {@code libDir} that has some into {@code target/<jar name>/}.
     *
     * @param displayPrefix how the operator knows the lib directory, for messages
     */
    static void extractAll(Path libDir, String displayPrefix, Path target, ArchiveExtractor.Budget budget)
            throws AppLoadException, IOException {
        for (Path jar : jarsIn(libDir)) {
            String display = displayPrefix + jar.getFileName();
            if (!hasResources(jar, display)) {
                continue;
            }
            Path directory = Files.createDirectories(target.resolve(jar.getFileName().toString()));
            ArchiveExtractor.extract(jar, display, WarUnpacker.JAR_RESOURCES_PREFIX, directory, budget);
        }
    }

    /**
     * For an exploded directory, whose jars may change between starts: extracts into
     * {@code appDir/<version>/jar-resources/} where the version follows the jars' names, sizes and times.
     * Returns that {@code jar-resources} directory, or {@code null} when no jar has resources.
     */
    static Path extractForExploded(Path root, Path appDir, WebAppDeployer.Limits limits) throws AppLoadException {
        Path libDir = root.resolve("WEB-INF/lib");
        List<Path> withResources = new ArrayList<>();
        CRC32 crc = new CRC32();
        try {
            for (Path jar : jarsIn(libDir)) {
                crc.update((jar.getFileName() + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis()
                        + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (hasResources(jar, jar.toString())) {
                    withResources.add(jar);
                }
            }
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.sourceUnreadable(libDir, e), e);
        }
        if (withResources.isEmpty()) {
            return null;
        }
        String version = "exploded-" + Long.toHexString(crc.getValue());
        Path versionDir = VersionedDirectory.obtain(appDir, version, root.toString(), directory -> {
            ArchiveExtractor.Budget budget = new ArchiveExtractor.Budget(limits);
            Path target = Files.createDirectory(directory.resolve(WarUnpacker.JAR_RESOURCES_DIR));
            for (Path jar : withResources) {
                Path jarTarget = Files.createDirectory(target.resolve(jar.getFileName().toString()));
                ArchiveExtractor.extract(jar, jar.toString(), WarUnpacker.JAR_RESOURCES_PREFIX, jarTarget, budget);
            }
        });
        return versionDir.resolve(WarUnpacker.JAR_RESOURCES_DIR);
    }

    private static boolean hasResources(Path jar, String display) throws AppLoadException {
        try (ZipFile zip = ArchiveExtractor.open(jar, display)) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                if (entry.getName().startsWith(WarUnpacker.JAR_RESOURCES_PREFIX)
                        && entry.getName().length() > WarUnpacker.JAR_RESOURCES_PREFIX.length()) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.corruptArchive(display, e), e);
        }
    }
}
