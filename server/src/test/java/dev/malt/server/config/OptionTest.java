package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The catalogue the launcher builds its command line and help from. */
class OptionTest {

    @Test
    void every_option_is_described() {
        Set<String> names = new HashSet<>();
        for (Option option : Option.all()) {
            assertFalse(option.help().isBlank(), option.name());
            assertFalse(option.valueLabel().isBlank(), option.name());
            for (String name : option.names()) {
                assertTrue(names.add(name), "duplicate " + name);
                assertTrue(name.matches("[a-z][a-z-]*"), name);
            }
            assertTrue(option.defaultValue().isEmpty() || !option.isList(), option.name());
        }
        assertTrue(names.containsAll(Set.of("socket", "http-socket", "chmod-socket", "chown-socket", "listen",
                "buffer-size", "max-vars", "stats", "name", "servlet", "classpath", "war", "mount", "chdir", "env",
                "threads", "init-param", "static-map", "workers", "processes", "master", "java-home", "jvm-options",
                "heap", "harakiri", "max-requests", "reload-on-rss", "worker-reload-mercy", "reload-mercy",
                "touch-reload", "touch-chain-reload", "pidfile", "vacuum", "uid", "gid", "die-on-term", "logto",
                "disable-logging", "emperor", "emperor-tyrant", "emperor-logdir", "ini", "set-placeholder")));
    }

    @Test
    void defaults_are_valid_values_of_their_own_type() throws Exception {
        for (Option option : Option.all()) {
            if (option.defaultValue().isPresent()) {
                String value = option.defaultValue().get();
                assertEquals(value, option.type().normalize(value), option.name());
            }
        }
    }

    @Test
    void lookups_and_cli_shape() {
        assertEquals(Option.WORKERS, Option.find("processes").orElseThrow());
        assertTrue(Option.find("wokers").isEmpty());
        assertFalse(Option.VACUUM.takesValue());
        assertTrue(Option.VACUUM.valueOptional());
        assertTrue(Option.CHMOD_SOCKET.takesValue());
        assertTrue(Option.CHMOD_SOCKET.valueOptional());
        assertTrue(Option.SOCKET.takesValue());
        assertFalse(Option.SOCKET.valueOptional());
        assertTrue(Option.SOCKET.isList());
        assertFalse(Option.WORKERS.isList());
        assertEquals(Option.Group.PROCESSES, Option.WORKERS.group());
    }

    @Test
    void suggestions() {
        assertEquals("workers", Suggestions.closestOption("wokers"));
        assertEquals("workers", Suggestions.closestOption("wrokers"));
        assertEquals("harakiri", Suggestions.closestOption("harakri"));
        assertEquals("buffer-size", Suggestions.closestOption("buffer_size"));
        assertNull(Suggestions.closestOption("zzzzzzzz"));
        assertEquals(1, Suggestions.distance("ab", "ba"));
    }
}
