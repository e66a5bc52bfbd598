package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** %(name), magic variables, $(ENV). */
class PlaceholderTest {

    @TempDir
    Path tmp;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(tmp);
    }

    private String chdirOf(String iniLines) {
        return fx.loadMalt(iniLines + Fixture.APP).string("chdir").orElseThrow();
    }

    @Test
    void a_placeholder_takes_the_first_occurrence() {
        assertEquals("/srv/one/app", chdirOf("base = /srv/one\nbase = /srv/two\nchdir = %(base)/app\n"));
    }

    @Test
    void a_placeholder_may_be_set_below_its_use() {
        assertEquals("/srv/shop", chdirOf("chdir = %(base)\nbase = /srv/shop\n"));
    }

    @Test
    void a_placeholder_may_refer_to_a_real_option_even_if_overridden_later() {
        AppConfig config = fx.loadMalt("workers = 2\nenv = W=%(workers)\nworkers = 3\n" + Fixture.APP);
        assertEquals("2", config.env().get("W"));
        assertEquals(3, config.workers());
    }

    @Test
    void placeholders_nest_and_a_bare_key_reads_true() {
        assertEquals("/srv/shop/v2/true", chdirOf("root = /srv\napp = %(root)/shop\nflag\nchdir = %(app)/v2/%(flag)\n"));
    }

    @Test
    void set_placeholder_defines_a_placeholder() {
        assertEquals("/srv/shop", chdirOf("set-placeholder = base=/srv/shop\nchdir = %(base)\n"));
        assertEquals("/opt/x", chdirOf("set-ph = base=/opt/x\nchdir = %(base)\n"));
    }

    @Test
    void an_unused_custom_key_is_still_an_unknown_option() {
        ConfigException e = fx.failMalt("base = /srv\n" + Fixture.APP);
        assertTrue(e.getMessage().contains("unknown option 'base'"), e.getMessage());
        assertTrue(e.getMessage().contains("%(base)"), e.getMessage());
    }

    @Test
    void every_magic_variable() {
        fx.write("conf/shop.app.ini", "[malt]\n" + Fixture.APP + """
                env = D=%d
                env = N=%n
                env = P=%p
                env = S=%s
                env = C=%c
                env = E=%e
                env = K=%k
                env = H=%h
                env = PCT=100%%
                env = OTHER=%x %
                """);
        var env = fx.load("conf/shop.app.ini").env();
        Path conf = fx.dir.resolve("conf");
        assertEquals(conf + "/", env.get("D"));
        assertEquals("shop.app", env.get("N"));
        assertEquals(conf.resolve("shop.app.ini").toString(), env.get("P"));
        assertEquals("shop.app.ini", env.get("S"));
        assertEquals("conf", env.get("C"));
        assertEquals("ini", env.get("E"));
        assertEquals("4", env.get("K"));
        assertEquals("box1", env.get("H"));
        assertEquals("100%", env.get("PCT"));
        assertEquals("%x %", env.get("OTHER"));
    }

    @Test
    void double_percent_before_a_parenthesis_is_literal() {
        assertEquals("/a/%(b)", chdirOf("chdir = /a/%%(b)\n"));
    }

    @Test
    void magic_variables_describe_the_file_a_line_is_in() {
        fx.write("lib/common.ini", "[malt]\nclasspath = %dlib.jar\n");
        AppConfig config = fx.loadMalt("ini = lib/common.ini\n" + Fixture.APP);
        assertEquals(fx.dir.resolve("lib/lib.jar").toString(), config.list("classpath").get(0));
    }

    @Test
    void magic_variables_follow_symlinks_like_uwsgi() throws Exception {
        Path real = fx.write("apps-available/shop.ini", "[malt]\nchdir = %d\n" + Fixture.APP);
        Files.createDirectories(fx.dir.resolve("apps-enabled"));
        Files.createSymbolicLink(fx.dir.resolve("apps-enabled/shop.ini"), Path.of("../apps-available/shop.ini"));
        AppConfig config = fx.load("apps-enabled/shop.ini");
        assertEquals(real.getParent() + "/", config.string("chdir").orElseThrow());
        assertEquals(fx.dir.resolve("apps-enabled/shop.ini"), config.iniFile().orElseThrow());
        assertEquals("shop", config.appName());
    }

    @Test
    void environment_variables_are_substituted() {
        fx.env.put("SHOP_HOME", "/srv/shop");
        assertEquals("/srv/shop/current", chdirOf("chdir = $(SHOP_HOME)/current\n"));
    }

    @Test
    void inserted_text_is_not_scanned_again() {
        fx.env.put("ODD", "%(nothing)$(NOTHING)");
        assertEquals("%(nothing)$(NOTHING)", chdirOf("chdir = $(ODD)\n"));
    }

    @Test
    void an_unset_environment_variable_is_an_error_with_file_and_line() {
        ConfigException e = fx.failMalt(Fixture.APP + "chdir = $(SHOP_HOME)/x\n");
        assertEquals("shop.ini", e.file().orElseThrow());
        assertEquals(4, e.line());
        assertEquals("chdir", e.option().orElseThrow());
        assertTrue(e.getMessage().contains("environment variable 'SHOP_HOME' is not set"), e.getMessage());
    }

    @Test
    void an_error_in_a_placeholder_is_reported_once_where_the_placeholder_is_set() {
        ConfigException e = fx.failMalt("base = $(NOPE)\nchdir = %(base)\nlogto = %(base)/log\n" + Fixture.APP);
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals(2, e.line());
        assertEquals("base", e.option().orElseThrow());
    }

    @Test
    void an_undefined_placeholder_is_an_error() {
        ConfigException e = fx.failMalt(Fixture.APP + "chdir = %(nowhere)\n");
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("%(nowhere) refers to nothing"), e.getMessage());
    }

    @Test
    void a_placeholder_loop_is_an_error() {
        ConfigException e = fx.failMalt(Fixture.APP + "a = %(b)\nb = %(a)\nchdir = %(a)\n");
        assertTrue(e.getMessage().contains("%(a) → %(b) → %(a)"), e.getMessage());
        assertEquals(1, e.problems().size(), e.getMessage());
    }

    @Test
    void an_unclosed_placeholder_is_an_error() {
        ConfigException e = fx.failMalt(Fixture.APP + "chdir = %(base\n");
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("'%(' is not closed"), e.getMessage());
    }

    @Test
    void command_line_values_are_substituted_too() {
        fx.write("shop.ini", "[malt]\nbase = /srv\nchdir = %(base)\n" + Fixture.APP);
        fx.env.put("N", "3");
        AppConfig config = fx.load("shop.ini", "--workers", "$(N)", "--logto", "%(base)/log/%n.log");
        assertEquals(3, config.workers());
        assertEquals(Path.of("/srv/log/shop.log"), config.logto().orElseThrow());
    }

    @Test
    void file_magic_on_the_command_line_without_a_file_is_an_error() {
        ConfigException e = fx.fail(null, "socket", ":1", "servlet", "a.B", "chdir", "%d");
        assertEquals("command line: %d refers to the INI file, but there is none; write the path out.",
                e.getMessage());
    }
}
