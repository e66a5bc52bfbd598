package dev.malt.server.classcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainingTest {

    @Test
    void anAppsFilesAreItsCachesAndWhatItsRecordingsLeft() {
        String prefix = Training.prefixOf(Path.of("/var/lib/malt/shop/class-cache/shop-0123456789abcdef.jsa"));
        assertEquals("shop-", prefix);
        assertTrue(Training.ofApp(prefix, "shop-fedcba9876543210.jsa"));
        assertTrue(Training.ofApp(prefix, "shop-fedcba9876543210.aot"));
        assertTrue(Training.ofApp(prefix, "shop-fedcba9876543210.aot.4711-2.tmp"));
        assertTrue(Training.ofApp(prefix, "shop-fedcba9876543210.aot.4711-2.tmp.config"));
    }

    @Test
    void anotherAppsFilesInASharedStateDirectoryAreNot() {
        String prefix = Training.prefixOf(Path.of("/srv/state/class-cache/my-shop-0123456789abcdef.jsa"));
        assertEquals("my-shop-", prefix);
        assertFalse(Training.ofApp("my-", "my-shop-0123456789abcdef.jsa"));
        assertFalse(Training.ofApp(prefix, "my-shop-notes.txt"));
        assertFalse(Training.ofApp(prefix, "my-shop-0123456789abcdef.jsa~"));
    }
}
