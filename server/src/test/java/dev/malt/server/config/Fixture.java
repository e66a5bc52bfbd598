package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** INI files in a temporary directory, a fixed environment and host, and shortcuts to load them. */
final class Fixture {

    /** The two lines every app needs, for tests about something else. */
    static final String APP = "socket = :3031\nservlet = com.example.Shop\n";

    final Path dir;
    final Map<String, String> env = new HashMap<>();

    Fixture(Path dir) {
        try {
            this.dir = dir.toRealPath(); // so %d and messages match whatever symlinks lead to the temp dir
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code text} to {@code name} (relative to the temp dir) and returns its path. */
    Path write(String name, String text) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ConfigLoader loader() {
        return new ConfigLoader(env, dir, new HostInfo() {
            @Override
            public int cpuCount() {
                return 4;
            }

            @Override
            public String hostname() {
                return "box1";
            }
        });
    }

    /** Loads {@code ini} (relative to the temp dir; null for none) plus alternating command-line names and values. */
    AppConfig load(String ini, String... commandLine) {
        return loader().load(ini == null ? null : Path.of(ini), pairs(commandLine));
    }

    ConfigException fail(String ini, String... commandLine) {
        return assertThrows(ConfigException.class, () -> load(ini, commandLine));
    }

    /** Writes {@code shop.ini} with a [malt] section holding the lines, then loads it. */
    AppConfig loadMalt(String lines) {
        write("shop.ini", "[malt]\n" + lines);
        return load("shop.ini");
    }

    ConfigException failMalt(String lines) {
        write("shop.ini", "[malt]\n" + lines);
        return fail("shop.ini");
    }

    static List<Map.Entry<String, String>> pairs(String... nameValue) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            list.add(new AbstractMap.SimpleEntry<>(nameValue[i], nameValue[i + 1])); // allows a null value
        }
        return list;
    }
}
