package dev.malt.server.emperor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class VassalFileTest {

    @Test
    void everyIniFileOrSymlinkIsAnAppNamedAfterIt(@TempDir Path root) throws Exception {
        Path available = Files.createDirectories(root.resolve("apps-available"));
        Path enabled = Files.createDirectories(root.resolve("apps-enabled"));
        Files.writeString(available.resolve("shop.ini"), "[malt]\n");
        Files.createSymbolicLink(enabled.resolve("shop.ini"), Path.of("../apps-available/shop.ini"));
        Files.writeString(enabled.resolve("blog.ini"), "[malt]\n");
        Files.writeString(enabled.resolve("notes.txt"), "not an app");
        Files.createSymbolicLink(enabled.resolve("gone.ini"), Path.of("../apps-available/gone.ini"));

        List<VassalFile> files = VassalFile.scan(enabled);

        assertEquals(List.of("blog", "shop"), files.stream().map(VassalFile::name).toList(),
                "sorted by name; other files and dangling links are not apps");
    }

    @Test
    void theStampChangesWhenTheLinkOrItsTargetIsTouchedOrEdited(@TempDir Path root) throws Exception {
        Path target = root.resolve("shop.ini");
        Files.writeString(target, "[malt]\n");
        Path dir = Files.createDirectories(root.resolve("enabled"));
        Path link = Files.createSymbolicLink(dir.resolve("shop.ini"), target);
        String before = VassalFile.scan(dir).get(0).stamp();

        Files.setLastModifiedTime(target, FileTime.from(Instant.now().plusSeconds(5)));
        String touched = VassalFile.scan(dir).get(0).stamp();
        assertNotEquals(before, touched, "touching the target in apps-available");

        Files.delete(link);
        Files.createSymbolicLink(link, target);
        Files.getFileAttributeView(link, java.nio.file.attribute.BasicFileAttributeView.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).setTimes(FileTime.from(Instant.now().plusSeconds(9)), null, null);
        String relinked = VassalFile.scan(dir).get(0).stamp();
        assertNotEquals(touched, relinked, "touching the symlink itself (touch -h)");

        Files.writeString(target, "[malt]\nworkers = 2\n");
        Files.setLastModifiedTime(target, FileTime.from(Instant.now().plusSeconds(5)));
        assertNotEquals(relinked, VassalFile.scan(dir).get(0).stamp(), "an edit that kept the mtime still changes the size");
    }
}
