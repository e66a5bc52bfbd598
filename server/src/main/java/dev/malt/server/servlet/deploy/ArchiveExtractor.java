package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Extracts a zip archive (a WAR, or the {@code META-INF/resources/} part of a jar) into a directory that
 * nothing else writes to, refusing anything that could land outside it: {@code ..} segments, absolute
 * paths, drive letters and symlink entries fail the whole extraction with the archive and the entry
 * named. Sizes are counted as bytes are written, not taken from the archive's claims, against the caps
 * of a shared {@link Budget}, so a zip bomb stops at the cap. Entry data is checked against its CRC, so
 * a damaged archive is reported instead of half-used.
 */
final class ArchiveExtractor {

    private static final int COPY_BUFFER = 64 * 1024;

    private ArchiveExtractor() {
    }

    /**
     * What one deployment may still write: the caps of {@link WebAppDeployer.Limits}, shared by the WAR
     * and the resources of its jars.
     */
    static final class Budget {
        private final WebAppDeployer.Limits limits;
        private long bytes;
        private long entries;

        Budget(WebAppDeployer.Limits limits) {
            this.limits = limits;
        }

        void countEntry(String archive, String entry) throws AppLoadException {
            if (++entries > limits.maxEntries()) {
                throw new AppLoadException(DeployMessages.tooManyEntries(archive, entry, limits.maxEntries()));
            }
        }

        void countBytes(String archive, String entry, long entryBytes, long added) throws AppLoadException {
            if (entryBytes > limits.maxEntryBytes()) {
                throw new AppLoadException(DeployMessages.entryTooLarge(archive, entry, limits.maxEntryBytes()));
            }
            bytes += added;
            if (bytes > limits.maxUnpackedBytes()) {
                throw new AppLoadException(DeployMessages.archiveTooLarge(archive, entry, limits.maxUnpackedBytes()));
            }
        }
    }

    /**
     * Opens a zip file, with one clear error when it is not one.
     *
     * @param displayName how the operator knows the file, for messages
     */
    static ZipFile open(Path archive, String displayName) throws AppLoadException {
        try {
            // Names as the central directory spells them: the same names the JDK's own zip reader sees.
            return ZipFile.builder().setPath(archive).setUseUnicodeExtraFields(false).setIgnoreLocalFileHeader(true)
                    .get();
        } catch (IOException | RuntimeException e) {
            throw new AppLoadException(DeployMessages.corruptArchive(displayName, e), e);
        }
    }

    /**
     * Reads one small entry (a descriptor, a service file) from a jar, or {@code null} when the jar has
     * no such entry.
     *
     * @param displayName how the operator knows the jar, for messages
     */
    static byte[] readEntry(Path jar, String displayName, String entryName, int maxBytes) throws AppLoadException {
        try (ZipFile zip = open(jar, displayName)) {
            ZipArchiveEntry entry = zip.getEntry(entryName);
            if (entry == null || entry.isDirectory()) {
                return null;
            }
            String display = displayName + "!/" + entryName;
            if (entry.getSize() > maxBytes) {
                throw new AppLoadException(DeployMessages.descriptorTooLarge(display, maxBytes));
            }
            try (InputStream in = zip.getInputStream(entry)) {
                byte[] content = in.readNBytes(maxBytes + 1);
                if (content.length > maxBytes) {
                    throw new AppLoadException(DeployMessages.descriptorTooLarge(display, maxBytes));
                }
                return content;
            }
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.corruptArchive(displayName, e), e);
        }
    }

    /** Reads a small file (web.xml, a service file) with the same cap, or {@code null} when it is absent. */
    static byte[] readFile(Path file, String displayName, int maxBytes) throws AppLoadException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] content = in.readNBytes(maxBytes + 1);
            if (content.length > maxBytes) {
                throw new AppLoadException(DeployMessages.descriptorTooLarge(displayName, maxBytes));
            }
            return content;
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.sourceUnreadable(file, e), e);
        }
    }

    /**
     * Extracts every entry whose name starts with {@code prefix} into {@code target}, without the prefix.
     * Returns whether at least one entry was extracted.
     *
     * @param displayName how the operator knows the archive, for messages
     * @param prefix      {@code ""} for everything, or a directory such as {@code META-INF/resources/}
     * @param target      an existing, empty directory
     */
    static boolean extract(Path archive, String displayName, String prefix, Path target, Budget budget)
            throws AppLoadException {
        boolean any = false;
        try (ZipFile zip = open(archive, displayName)) {
            Path root = target.toAbsolutePath().normalize();
            Set<String> written = new HashSet<>();
            for (ZipArchiveEntry entry : Collections.list(zip.getEntriesInPhysicalOrder())) {
                String name = entry.getName();
                if (!name.startsWith(prefix)) {
                    continue;
                }
                budget.countEntry(displayName, name);
                Path destination = destination(root, displayName, name, name.substring(prefix.length()));
                if (entry.isUnixSymlink()) {
                    throw new AppLoadException(DeployMessages.symlinkEntry(displayName, name));
                }
                if (destination.equals(root)) {
                    continue; // the prefix directory itself
                }
                if (!written.add(root.relativize(destination).toString())) {
                    continue; // a repeated entry: the first one wins, as in the JDK's jar reader
                }
                any = true;
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    copy(zip, entry, destination, displayName, budget);
                }
            }
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.extractFailed(displayName, target, e), e);
        }
        return any;
    }

    /** Where an entry goes, or an error when its name could escape the target directory. */
    static Path destination(Path root, String archive, String entryName, String relative) throws AppLoadException {
        if (relative.startsWith("/") || relative.startsWith("\\")
                || relative.length() >= 2 && relative.charAt(1) == ':' && Character.isLetter(relative.charAt(0))) {
            throw new AppLoadException(DeployMessages.absoluteEntry(archive, entryName));
        }
        for (String segment : relative.split("[/\\\\]")) {
            if (segment.equals("..")) {
                throw new AppLoadException(DeployMessages.escapingEntry(archive, entryName));
            }
        }
        for (int i = 0; i < relative.length(); i++) {
            if (relative.charAt(i) < 0x20) {
                throw new AppLoadException(DeployMessages.badEntryName(archive, entryName));
            }
        }
        Path destination;
        try {
            destination = root.resolve(relative).normalize();
        } catch (InvalidPathException e) {
            throw new AppLoadException(DeployMessages.badEntryName(archive, entryName), e);
        }
        if (!destination.startsWith(root)) {
            throw new AppLoadException(DeployMessages.escapingEntry(archive, entryName));
        }
        return destination;
    }

    private static void copy(ZipFile zip, ZipArchiveEntry entry, Path destination, String archive, Budget budget)
            throws IOException, AppLoadException {
        String name = entry.getName();
        if (!zip.canReadEntryData(entry)) {
            throw new AppLoadException(DeployMessages.unsupportedEntry(archive, name));
        }
        CRC32 crc = new CRC32();
        long size = 0;
        byte[] buffer = new byte[COPY_BUFFER];
        try (InputStream in = zip.getInputStream(entry);
             OutputStream out = Files.newOutputStream(destination, StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.WRITE)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                size += read;
                budget.countBytes(archive, name, size, read);
                crc.update(buffer, 0, read);
                out.write(buffer, 0, read);
            }
        }
        if (entry.getCrc() != -1 && entry.getCrc() != crc.getValue()
                || entry.getSize() != ZipArchiveEntry.SIZE_UNKNOWN && entry.getSize() != size) {
            throw new AppLoadException(DeployMessages.damagedEntry(archive, name));
        }
    }
}
