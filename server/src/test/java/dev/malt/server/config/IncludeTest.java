package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ini = file[:section]}. */
class IncludeTest {

    @TempDir
    Path tmp;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(tmp);
    }

    @Test
    void an_included_file_is_read_where_the_ini_line_stands() {
        fx.write("conf/common.ini", "[malt]\nworkers = 4\nenv = FROM=common\n");
        fx.write("conf/shop.ini", """
                [malt]
                workers = 2
                env = FIRST=1
                ini = common.ini
                env = LAST=1
                """ + Fixture.APP);
        AppConfig config = fx.load("conf/shop.ini");
        assertEquals(4, config.workers()); // the include came after workers = 2
        assertEquals("conf/common.ini:2", config.source("workers"));
        assertEquals(List.of("FIRST=1", "FROM=common", "LAST=1"), config.list("env"));
    }

    @Test
    void relative_includes_start_from_the_including_files_directory() {
        fx.write("a/shop.ini", "[malt]\nini = ../b/base.ini\n" + Fixture.APP);
        fx.write("b/base.ini", "[malt]\nini = more/deeper.ini\n");
        fx.write("b/more/deeper.ini", "[malt]\nworkers = 6\n");
        assertEquals(6, fx.load("a/shop.ini").workers());
    }

    @Test
    void an_include_may_name_a_section_and_falls_back_to_uwsgi() {
        fx.write("base.ini", "[uwsgi]\nworkers = 3\n[big]\nworkers = 12\n");
        assertEquals(3, fx.loadMalt("ini = base.ini\n" + Fixture.APP).workers());
        assertEquals(12, fx.loadMalt("ini = base.ini:big\n" + Fixture.APP).workers());
    }

    @Test
    void colon_section_includes_a_section_of_the_same_file() {
        fx.write("shop.ini", "[malt]\nini = :defaults\nworkers = 2\n" + Fixture.APP + "[defaults]\nworkers = 8\nthreads = 3\n");
        AppConfig config = fx.load("shop.ini");
        assertEquals(2, config.workers());
        assertEquals(3, config.threads().count());
        assertEquals("shop.ini:8", config.source("threads"));
    }

    @Test
    void an_include_path_may_use_magic_variables_and_earlier_placeholders() {
        fx.write("conf/base.ini", "[malt]\nworkers = 5\n");
        fx.write("conf/shop.ini", "[malt]\nconfdir = %d\nini = %(confdir)base.ini\n" + Fixture.APP);
        assertEquals(5, fx.load("conf/shop.ini").workers());
    }

    @Test
    void a_placeholder_set_below_an_include_line_is_an_error_there() {
        ConfigException e = fx.failMalt("ini = %(dir)/base.ini\ndir = /x\n" + Fixture.APP);
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("must be set above this line"), e.getMessage());
    }

    @Test
    void the_same_file_may_be_included_twice_without_a_loop() {
        fx.write("env.ini", "[malt]\nenv = X=1\n");
        AppConfig config = fx.loadMalt("ini = env.ini\nini = env.ini\n" + Fixture.APP);
        assertEquals(List.of("X=1", "X=1"), config.list("env"));
    }

    @Test
    void an_include_loop_is_an_error_that_shows_the_loop() {
        fx.write("a.ini", "[malt]\n" + Fixture.APP + "ini = b.ini\n");
        fx.write("b.ini", "[malt]\nworkers = 2\nini = a.ini\n");
        ConfigException e = fx.fail("a.ini");
        assertEquals("b.ini", e.file().orElseThrow());
        assertEquals(3, e.line());
        assertEquals("ini", e.option().orElseThrow());
        assertTrue(e.getMessage().contains("a.ini → b.ini → a.ini"), e.getMessage());
    }

    @Test
    void a_file_including_itself_is_a_loop() {
        ConfigException e = fx.failMalt(Fixture.APP + "ini = shop.ini\n");
        assertTrue(e.getMessage().startsWith("shop.ini:4: 'ini' includes a file that is already being read"),
                e.getMessage());
    }

    @Test
    void a_section_including_itself_is_a_loop() {
        ConfigException e = fx.failMalt(Fixture.APP + "ini = :malt\n");
        assertTrue(e.getMessage().contains("already being read"), e.getMessage());
    }

    @Test
    void a_missing_include_names_the_line_and_the_file() {
        ConfigException e = fx.failMalt(Fixture.APP + "ini = nothere.ini\n");
        assertEquals("shop.ini", e.file().orElseThrow());
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("cannot read " + fx.dir.resolve("nothere.ini") + ": no such file"),
                e.getMessage());
    }

    @Test
    void an_include_without_the_section_is_an_error() {
        fx.write("base.ini", "[malt]\nworkers = 2\n");
        ConfigException e = fx.failMalt(Fixture.APP + "ini = base.ini:prod\n");
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("base.ini has no [prod] section"), e.getMessage());
    }

    @Test
    void problems_inside_an_included_file_name_that_file() {
        fx.write("base.ini", "[malt]\n\nwokers = 2\n");
        ConfigException e = fx.failMalt("ini = base.ini\n" + Fixture.APP);
        assertEquals("base.ini", e.file().orElseThrow());
        assertEquals(3, e.line());
    }
}
