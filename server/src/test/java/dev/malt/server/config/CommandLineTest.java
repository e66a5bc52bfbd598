package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --option value} after the INI file. */
class CommandLineTest {

    @TempDir
    Path tmp;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(tmp);
        fx.write("shop.ini", "[malt]\nworkers = 2\nenv = A=1\nvacuum = false\n" + Fixture.APP);
    }

    @Test
    void scalars_override_and_lists_append() {
        AppConfig config = fx.load("shop.ini", "--workers", "6", "--env", "B=2", "--processes", "5");
        assertEquals(5, config.workers());
        assertEquals("command line", config.source("workers"));
        assertEquals(List.of("A=1", "B=2"), config.list("env"));
        assertEquals("command line", config.source("env"));
        assertEquals("default", config.source("threads"));
    }

    @Test
    void a_bare_switch_is_true_and_may_be_turned_off() {
        assertTrue(fx.load("shop.ini", "--vacuum", null).vacuum());
        assertEquals(false, fx.load("shop.ini", "vacuum", "off").vacuum());
    }

    @Test
    void names_come_with_or_without_dashes() {
        assertEquals(3, fx.load("shop.ini", "workers", "3").workers());
        assertEquals(4, fx.load("shop.ini", "-workers", "4").workers());
    }

    @Test
    void the_command_line_alone_can_configure_an_app() {
        AppConfig config = fx.load(null, "--http-socket", ":8080", "--servlet", "a.B");
        assertEquals("malt", config.appName());
        assertEquals(fx.dir, config.baseDir());
        assertTrue(config.iniFile().isEmpty());
    }

    @Test
    void a_first_ini_option_is_the_ini_file_and_later_ones_are_included() {
        fx.write("more.ini", "[malt]\nworkers = 9\n");
        AppConfig config = fx.load(null, "--ini", "shop.ini", "--workers", "3", "--ini", "more.ini");
        assertEquals(fx.dir.resolve("shop.ini"), config.iniFile().orElseThrow());
        assertEquals(9, config.workers());
        assertEquals("more.ini:2", config.source("workers"));
    }

    @Test
    void errors_on_the_command_line_say_so() {
        ConfigException e = fx.fail("shop.ini", "--wokers", "3");
        assertEquals("command line: unknown option '--wokers' — did you mean '--workers'? 'malt --help' lists every"
                + " option.", e.getMessage());
        assertTrue(e.file().isEmpty());
        assertEquals("wokers", e.option().orElseThrow());
        assertTrue(fx.fail("shop.ini", "--workers", "x").getMessage()
                .startsWith("command line: bad value for 'workers'"));
    }

    @Test
    void command_line_can_complete_an_app() {
        fx.write("partial.ini", "[malt]\nworkers = 2\n");
        AppConfig config = fx.load("partial.ini", "--socket", "/run/x.sock", "--servlet", "a.B");
        assertEquals("partial", config.appName());
    }
}
