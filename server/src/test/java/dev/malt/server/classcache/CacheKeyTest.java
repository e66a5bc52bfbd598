package dev.malt.server.classcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

    private final Map<Path, Long> times = new HashMap<>();

    private String key(List<String> flags, List<String> files) {
        return new CacheKey(path -> times.getOrDefault(path, -1L)).texts("flag", flags).files("file", files).value();
    }

    @Test
    void theSameJvmJarsAndFlagsGiveTheSameName() {
        times.put(Path.of("/opt/malt/lib/malt-server.jar"), 1000L);
        String key = key(List.of("-XX:+UseSerialGC"), List.of("/opt/malt/lib/malt-server.jar"));
        assertEquals(key, key(List.of("-XX:+UseSerialGC"), List.of("/opt/malt/lib/malt-server.jar")));
        assertEquals(CacheKey.LENGTH, key.length());
        assertTrue(key.matches("[0-9a-f]+"), key);
    }

    @Test
    void aNewJarAnotherFlagOrAnotherOrderGiveAnotherName() {
        times.put(Path.of("/opt/malt/lib/a.jar"), 1000L);
        times.put(Path.of("/opt/malt/lib/b.jar"), 2000L);
        List<String> jars = List.of("/opt/malt/lib/a.jar", "/opt/malt/lib/b.jar");
        String key = key(List.of("-XX:+UseSerialGC"), jars);

        assertNotEquals(key, key(List.of("-XX:+UseG1GC"), jars));
        assertNotEquals(key, key(List.of("-XX:+UseSerialGC"), List.of(jars.get(1), jars.get(0))));
        times.put(Path.of("/opt/malt/lib/b.jar"), 2001L);
        assertNotEquals(key, key(List.of("-XX:+UseSerialGC"), jars));
    }

    @Test
    void aGlobCountsByItsDirectory() {
        times.put(Path.of("/srv/shop/lib"), 1000L);
        String key = key(List.of(), List.of("/srv/shop/lib/*.jar"));
        times.put(Path.of("/srv/shop/lib"), 5000L); // a jar was added, removed or replaced
        assertNotEquals(key, key(List.of(), List.of("/srv/shop/lib/*.jar")));
    }
}
