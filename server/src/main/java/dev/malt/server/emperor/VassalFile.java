package dev.malt.server.emperor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code *.ini} in the emperor's directory, a file or a symlink, with a stamp that changes when the
 * link or its target is touched or edited (mtime of both, size of the target).
 *
 * @param name the app name: the file name without {@code .ini}
 */
record VassalFile(String name, Path path, String stamp) {

    /** Every INI file or symlink in {@code dir}, sorted by name; a dangling symlink is skipped. */
    static List<VassalFile> scan(Path dir) throws IOException {
        List<VassalFile> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.ini")) {
            for (Path path : entries) {
                try {
                    long linkTime = Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toMillis();
                    long targetTime = Files.getLastModifiedTime(path).toMillis();
                    long size = Files.size(path);
                    String file = path.getFileName().toString();
                    files.add(new VassalFile(file.substring(0, file.length() - 4), path,
                            linkTime + "/" + targetTime + "/" + size));
                } catch (IOException dangling) {
                    // a symlink whose target is gone counts as removed
                }
            }
        }
        files.sort((a, b) -> a.name().compareTo(b.name()));
        return files;
    }
}
