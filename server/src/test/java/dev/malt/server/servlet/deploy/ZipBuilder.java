package dev.malt.server.servlet.deploy;

import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds WARs and jars for tests, including entries no honest build tool writes. */
final class ZipBuilder {

    private record Entry(String name, byte[] content, boolean symlink, boolean directory) {
    }

    private final List<Entry> entries = new ArrayList<>();

    ZipBuilder text(String name, String content) {
        return bytes(name, content.getBytes(StandardCharsets.UTF_8));
    }

    ZipBuilder bytes(String name, byte[] content) {
        entries.add(new Entry(name, content, false, false));
        return this;
    }

    ZipBuilder directory(String name) {
        entries.add(new Entry(name, new byte[0], false, true));
        return this;
    }

    /** A unix symlink entry, as {@code zip --symlinks} writes it: the target is the entry's content. */
    ZipBuilder symlink(String name, String target) {
        entries.add(new Entry(name, target.getBytes(StandardCharsets.UTF_8), true, false));
        return this;
    }

    /** The compiled test classes, under {@code prefix} ({@code WEB-INF/classes/} for a WAR, {@code ""} for a jar). */
    ZipBuilder classes(String prefix, Class<?>... classes) {
        for (Class<?> type : classes) {
            String path = type.getName().replace('.', '/') + ".class";
            try (InputStream in = type.getClassLoader().getResourceAsStream(path)) {
                bytes(prefix + path, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    /** A nested archive, such as a jar in WEB-INF/lib. */
    ZipBuilder zip(String name, ZipBuilder inner) {
        return bytes(name, inner.toBytes());
    }

    byte[] toBytes() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(buffer)) {
            for (Entry entry : entries) {
                ZipArchiveEntry zipEntry = new ZipArchiveEntry(entry.directory && !entry.name.endsWith("/")
                        ? entry.name + "/" : entry.name);
                if (entry.symlink) {
                    zipEntry.setUnixMode(UnixStat.LINK_FLAG | 0777);
                }
                out.putArchiveEntry(zipEntry);
                out.write(entry.content);
                out.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    Path write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, toBytes());
    }
}
