package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.CRC32;

/**
 * Unpacks a WAR into {@code <appDir>/<version>/war/}, and the {@code META-INF/resources/} of each of its
 * WEB-INF/lib jars into {@code <appDir>/<version>/jar-resources/<jar>/}, once per version of the WAR.
 * The version is the WAR's size and modification time plus a CRC of its last 64 KiB (the central
 * directory, which holds every entry's CRC), so a rebuilt WAR gets a new directory even when its size and
 * time happen to match. Workers starting together share one unpacking: see {@link VersionedDirectory}.
 */
final class WarUnpacker {

    static final String WAR_DIR = "war";
    static final String JAR_RESOURCES_DIR = "jar-resources";
    static final String JAR_RESOURCES_PREFIX = "META-INF/resources/";

    private static final int TAIL_BYTES = 64 * 1024;

    private WarUnpacker() {
    }

    /** Returns the version directory: its {@code war/} is the WAR's root. */
    static Path unpack(Path war, Path appDir, WebAppDeployer.Limits limits) throws AppLoadException {
        String version = version(war);
        return VersionedDirectory.obtain(appDir, version, war.toString(), directory -> {
            ArchiveExtractor.Budget budget = new ArchiveExtractor.Budget(limits);
            Path root = Files.createDirectory(directory.resolve(WAR_DIR));
            ArchiveExtractor.extract(war, war.toString(), "", root, budget);
            JarResources.extractAll(root.resolve("WEB-INF/lib"), war + "!/WEB-INF/lib/",
                    directory.resolve(JAR_RESOURCES_DIR), budget);
            if (!version.equals(version(war))) {
                throw new AppLoadException(DeployMessages.warChangedWhileUnpacking(war));
            }
        });
    }

    /** {@code war-<size>-<mtime>-<crc of the tail>}, all hexadecimal. */
    static String version(Path war) throws AppLoadException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(war, BasicFileAttributes.class);
            CRC32 crc = new CRC32();
            try (FileChannel channel = FileChannel.open(war, StandardOpenOption.READ)) {
                long size = channel.size();
                ByteBuffer tail = ByteBuffer.allocate((int) Math.min(size, TAIL_BYTES));
                long position = size - tail.capacity();
                while (tail.hasRemaining()) {
                    int read = channel.read(tail, position + tail.position());
                    if (read < 0) {
                        break;
                    }
                }
                tail.flip();
                crc.update(tail);
            }
            return "war-" + Long.toHexString(attributes.size()) + "-"
                    + Long.toHexString(attributes.lastModifiedTime().toMillis()) + "-" + Long.toHexString(crc.getValue());
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.sourceUnreadable(war, e), e);
        }
    }
}
