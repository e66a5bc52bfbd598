package dev.malt.integration.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Reads files out of a WAR, to compare what a container served with what the WAR holds. */
public final class WarEntries {

    private WarEntries() {
    }

    public static byte[] read(Path war, String entry) {
        try (ZipFile zip = new ZipFile(war.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null) {
                throw new AssertionError(war + " has no entry " + entry);
            }
            try (InputStream in = zip.getInputStream(e)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry + " from " + war, e);
        }
    }
}
