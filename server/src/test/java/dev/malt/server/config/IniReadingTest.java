package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sections, comments, repeated keys and line numbers. */
class IniReadingTest {

    @TempDir
    Path tmp;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(tmp);
    }

    @Test
    void reads_the_malt_section_only() {
        fx.write("shop.ini", """
                workers = 7
                [other]
                workers = 5
                wokers = typo in a section nobody reads
                [malt]
                workers = 3
                socket = :3031
                servlet = com.example.Shop
                """);
        AppConfig config = fx.load("shop.ini");
        assertEquals(3, config.workers());
        assertEquals("shop.ini:6", config.source("workers"));
    }

    @Test
    void uwsgi_section_is_read_when_there_is_no_malt_section() {
        fx.write("shop.ini", "[uwsgi]\nprocesses = 4\n" + Fixture.APP);
        assertEquals(4, fx.load("shop.ini").workers());
    }

    @Test
    void malt_section_wins_over_uwsgi_section() {
        fx.write("shop.ini", "[uwsgi]\nworkers = 4\nbogus = 1\n[malt]\nworkers = 2\n" + Fixture.APP);
        assertEquals(2, fx.load("shop.ini").workers());
    }

    @Test
    void repeated_malt_blocks_are_merged_in_file_order() {
        fx.write("shop.ini", "[malt]\nworkers = 2\nsocket = :1\n[x]\n[malt]\nworkers = 3\nsocket = :2\n"
                + "servlet = a.B\n");
        AppConfig config = fx.load("shop.ini");
        assertEquals(3, config.workers());
        assertEquals(List.of(":1", ":2"), config.list("socket"));
    }

    @Test
    void a_named_section_can_be_picked() {
        fx.write("shop.ini", "[malt]\nworkers = 2\n" + Fixture.APP + "[staging]\nworkers = 9\n" + Fixture.APP);
        assertEquals(9, fx.load("shop.ini:staging").workers());
    }

    @Test
    void whole_line_comments_are_skipped_but_inline_semicolons_are_part_of_the_value() {
        AppConfig config = fx.loadMalt("""
                ; a comment
                # another
                   ; indented comment
                env = GREETING=hello ; world
                env = TAG=#1
                """ + Fixture.APP);
        assertEquals("hello ; world", config.env().get("GREETING"));
        assertEquals("#1", config.env().get("TAG"));
    }

    @Test
    void backslashes_are_plain_characters() {
        AppConfig config = fx.loadMalt("env = WIN=C:\\temp\\new\\\n" + Fixture.APP);
        assertEquals("C:\\temp\\new\\", config.env().get("WIN"));
    }

    @Test
    void repeated_keys_accumulate_for_lists_and_last_wins_for_scalars() {
        AppConfig config = fx.loadMalt("""
                workers = 2
                env = A=1
                workers = 5
                env = B=2
                env = A=3
                """ + Fixture.APP);
        assertEquals(5, config.workers());
        assertEquals("shop.ini:4", config.source("workers"));
        assertEquals(List.of("A=1", "B=2", "A=3"), config.list("env"));
        assertEquals("3", config.env().get("A"));
        assertEquals(List.of("A", "B"), List.copyOf(config.env().keySet()));
    }

    @Test
    void bare_key_is_true() {
        AppConfig config = fx.loadMalt("vacuum\nmaster\n" + Fixture.APP);
        assertTrue(config.vacuum());
        assertTrue(config.bool("master"));
    }

    @Test
    void line_numbers_count_comments_blank_lines_and_crlf() {
        fx.write("shop.ini", "; top\r\n\r\n[malt]\r\n# c\r\n\r\nworkers = 2\r\nsocket = :3031\r\nservlet = a.B\r\n");
        AppConfig config = fx.load("shop.ini");
        assertEquals("shop.ini:6", config.source("workers"));
        assertEquals("shop.ini:8", config.source("servlet"));
    }

    @Test
    void a_byte_order_mark_is_ignored() {
        fx.write("shop.ini", "\uFEFF[malt]\n" + Fixture.APP);
        assertEquals("com.example.Shop", fx.load("shop.ini").servletClass().orElseThrow());
    }

    @Test
    void values_are_trimmed_and_may_contain_equals_and_colons() {
        AppConfig config = fx.loadMalt("env   =   URL=http://x:80/a=b   \n" + Fixture.APP);
        assertEquals("http://x:80/a=b", config.env().get("URL"));
    }

    @Test
    void colon_as_separator_is_an_error_with_the_line() {
        ConfigException e = fx.failMalt(Fixture.APP + "workers: 4\n");
        assertEquals("shop.ini", e.file().orElseThrow());
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("shop.ini:4:"), e.getMessage());
        assertTrue(e.getMessage().contains("'='"), e.getMessage());
    }

    @Test
    void an_unparsable_line_is_reported_with_its_line_number() {
        ConfigException e = fx.failMalt(Fixture.APP + "[broken\n");
        assertEquals(4, e.line());
        assertTrue(e.getMessage().startsWith("shop.ini:4: cannot read '[broken'"), e.getMessage());
    }

    @Test
    void option_names_are_case_sensitive() {
        ConfigException e = fx.failMalt(Fixture.APP + "Workers = 2\n");
        assertTrue(e.getMessage().contains("did you mean 'workers'"), e.getMessage());
    }

    @Test
    void a_file_without_malt_or_uwsgi_section_is_an_error() {
        fx.write("shop.ini", "[app]\n" + Fixture.APP);
        ConfigException e = fx.fail("shop.ini");
        assertEquals("shop.ini", e.file().orElseThrow());
        assertTrue(e.getMessage().contains("no [malt] section"), e.getMessage());
    }

    @Test
    void a_missing_named_section_is_an_error() {
        fx.write("shop.ini", "[malt]\n" + Fixture.APP);
        ConfigException e = fx.fail("shop.ini:prod");
        assertTrue(e.getMessage().contains("no [prod] section"), e.getMessage());
    }

    @Test
    void options_before_any_section_are_ignored() {
        AppConfig config = fx.loadMalt(Fixture.APP);
        assertFalse(config.isSet("workers"));
        fx.write("shop.ini", "workers = 9\nnonsense\n[malt]\n" + Fixture.APP);
        assertEquals(1, fx.load("shop.ini").workers());
    }
}
