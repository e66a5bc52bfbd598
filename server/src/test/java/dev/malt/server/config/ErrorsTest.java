package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unknown options, foreign options, unreadable files and incomplete apps. */
class ErrorsTest {

    @TempDir
    Path tmp;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(tmp);
    }

    @Test
    void unknown_option_with_suggestion_in_the_documented_format() {
        fx.write("apps-available/shop.ini", "[malt]\n" + Fixture.APP + "\n\n\nwokers = 4\n");
        ConfigException e = fx.fail("apps-available/shop.ini");
        assertEquals("apps-available/shop.ini:7: unknown option 'wokers' — did you mean 'workers'? "
                + "Fix or remove the line; 'malt --help' lists every option.", e.getMessage());
        assertEquals("apps-available/shop.ini", e.file().orElseThrow());
        assertEquals(7, e.line());
        assertEquals("wokers", e.option().orElseThrow());
    }

    @Test
    void suggestions_cover_aliases_transpositions_and_underscores() {
        assertTrue(fx.failMalt(Fixture.APP + "proceses = 2\n").getMessage().contains("did you mean 'processes'"));
        assertTrue(fx.failMalt(Fixture.APP + "sokcet = :1\n").getMessage().contains("did you mean 'socket'"));
        assertTrue(fx.failMalt(Fixture.APP + "http_socket = :1\n").getMessage().contains("did you mean 'http-socket'"));
        assertTrue(fx.failMalt(Fixture.APP + "touch-relaod = x\n").getMessage().contains("did you mean 'touch-reload'"));
    }

    /** Found by IniFuzzTest: a NUL in a path escaped the loader as an InvalidPathException. */
    @Test
    void a_control_character_in_a_line_is_an_error_naming_the_line() {
        ConfigException e = fx.failMalt(Fixture.APP + "static-map = /s=/srv/a\u0000b\n");
        assertTrue(e.getMessage().startsWith("shop.ini:4: the line holds control character U+0000"), e.getMessage());
        e = fx.failMalt(Fixture.APP + "env = A=\u001b[31mred\n");
        assertTrue(e.getMessage().startsWith("shop.ini:4: the line holds control character U+001B"), e.getMessage());
        assertEquals("a\tb", fx.loadMalt(Fixture.APP + "env = A=a\tb\n").env().get("A"), "a tab is text");
    }

    @Test
    void unknown_option_without_anything_close() {
        String message = fx.failMalt(Fixture.APP + "frobnicate = 1\n").getMessage();
        assertTrue(message.startsWith("shop.ini:4: unknown option 'frobnicate'. Fix or remove the line;"), message);
    }

    @Test
    void python_options_get_a_specific_error() {
        for (String option : new String[] {"module", "wsgi-file", "callable", "plugin", "plugins", "virtualenv",
                "venv", "home", "pythonpath"}) {
            ConfigException e = fx.failMalt(Fixture.APP + option + " = x\n");
            assertEquals("shop.ini:4: '" + option + "' is a Python option of uWSGI; Malt runs Java apps: set"
                    + " 'servlet' or 'war'.", e.getMessage());
            assertEquals(option, e.option().orElseThrow());
        }
    }

    @Test
    void uwsgi_http_router_points_to_http_socket() {
        assertTrue(fx.failMalt(Fixture.APP + "http = :8080\n").getMessage().contains("use 'http-socket = :8080'"));
    }

    @Test
    void all_problems_are_reported_in_line_order() {
        ConfigException e = fx.failMalt(Fixture.APP + "wokers = 2\nlisten = x\nmodule = app\n");
        assertEquals(3, e.problems().size(), e.getMessage());
        assertEquals(4, e.problems().get(0).line());
        assertEquals(5, e.problems().get(1).line());
        assertEquals(6, e.problems().get(2).line());
        assertEquals(3, e.getMessage().lines().count());
        assertEquals("listen", e.problems().get(1).option());
    }

    @Test
    void problems_found_in_different_passes_still_come_in_line_order() {
        // line 4 fails in validation, line 5 while reading: the operator still reads them top to bottom
        ConfigException e = fx.failMalt(Fixture.APP + "wokers = 2\nlisten: 5\n");
        assertEquals(4, e.problems().get(0).line());
        assertEquals(5, e.problems().get(1).line());
    }

    @Test
    void a_missing_ini_file() {
        ConfigException e = fx.fail("nothere.ini");
        assertEquals("cannot read " + fx.dir.resolve("nothere.ini") + ": no such file. Check the path given to malt.",
                e.getMessage());
        assertEquals("nothere.ini", e.file().orElseThrow());
        assertEquals(0, e.line());
    }

    @Test
    void a_directory_is_not_an_ini_file() {
        fx.write("d/x.ini", "[malt]\n");
        assertTrue(fx.fail("d").getMessage().contains(": it is a directory."));
    }

    @Test
    void an_app_needs_a_socket() {
        fx.write("shop.ini", "[malt]\nservlet = com.example.Shop\n");
        ConfigException e = fx.fail("shop.ini");
        assertEquals("shop.ini: app 'shop' has no socket to listen on: add 'socket = /run/malt/app/shop.sock'"
                + " (for nginx uwsgi_pass) or 'http-socket = :8080'.", e.getMessage());
        assertEquals("shop.ini", e.file().orElseThrow());
    }

    @Test
    void an_app_needs_a_servlet_or_a_war() {
        fx.write("shop.ini", "[malt]\nhttp-socket = :8080\n");
        ConfigException e = fx.fail("shop.ini");
        assertTrue(e.getMessage().startsWith("shop.ini: app 'shop' has nothing to run: set 'servlet"), e.getMessage());
        fx.write("shop.ini", "[malt]\nhttp-socket = :8080\nwar = shop.war\n");
        assertTrue(fx.fail("shop.ini").getMessage().contains("'war' names shop.war, which does not exist"));
        fx.write("shop.war", "not checked here: deployment reads it");
        assertEquals(1, fx.load("shop.ini").wars().size());
    }

    @Test
    void user_and_group_files_must_exist() {
        fx.write("shop.war", "x");
        fx.write("shop.ini", "[malt]\nhttp-socket = :8080\nwar = shop.war\nauth-user-file = shop.htpasswd\n"
                + "auth-group-file = conf\n");
        fx.write("conf/readme", "a directory");
        ConfigException e = fx.fail("shop.ini");
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("shop.ini:4: 'auth-user-file' names shop.htpasswd, which does not exist"
                + " (looked for " + fx.dir.resolve("shop.htpasswd") + "). Make it with 'htpasswd -B -c "
                + fx.dir.resolve("shop.htpasswd") + " USER'."), e.getMessage());
        assertTrue(e.getMessage().contains("shop.ini:5: 'auth-group-file' names conf, which is a directory"),
                e.getMessage());
        fx.write("shop.htpasswd", "alice:$2y$05$cJvf9.2lz3bA6SeA4l4kVOAyNubJEEl1zWQugXSls/i9PMOHUwt9i\n");
        fx.write("shop.ini", "[malt]\nhttp-socket = :8080\nwar = shop.war\nauth-user-file = shop.htpasswd\n");
        AppConfig config = fx.load("shop.ini", "--auth-group-file", "shop.htpasswd");
        assertEquals(fx.dir.resolve("shop.htpasswd"), config.authUserFile().orElseThrow());
        assertEquals(fx.dir.resolve("shop.htpasswd"), config.authGroupFile().orElseThrow(),
                "every option works on the command line too");
    }

    @Test
    void two_apps_cannot_share_the_root_or_a_mount_path() {
        fx.write("a.war", "x");
        fx.write("b.war", "x");
        fx.write("shop.ini", "[malt]\nhttp-socket = :8080\nwar = a.war\nmount = /=b.war\n");
        assertTrue(fx.fail("shop.ini").getMessage().contains("would serve the root path"));
        fx.write("shop.ini", "[malt]\nhttp-socket = :8080\nmount = /a=a.war\nmount = /a/=b.war\n");
        assertTrue(fx.fail("shop.ini").getMessage().contains("two 'mount' entries use the path /a"));
        fx.write("shop.ini", "[malt]\nhttp-socket = :8080\nmount = /a=a.war\nmount = /b=b.war\n");
        assertEquals(2, fx.load("shop.ini").mounts().size());
    }

    @Test
    void an_empty_app_lists_both_missing_parts() {
        fx.write("shop.ini", "[malt]\nworkers = 2\n");
        assertEquals(2, fx.fail("shop.ini").problems().size());
    }

    @Test
    void an_app_named_after_an_unusable_file_name_must_set_name() {
        fx.write("my shop.ini", "[malt]\n" + Fixture.APP);
        ConfigException e = fx.fail("my shop.ini");
        assertTrue(e.getMessage().startsWith("my shop.ini: the app is named after its INI file, but 'my shop'"),
                e.getMessage());
        fx.write("my shop.ini", "[malt]\nname = shop\n" + Fixture.APP);
        assertEquals("shop", fx.load("my shop.ini").appName());
    }

    @Test
    void an_emperor_needs_no_app() {
        AppConfig config = fx.load(null, "--emperor", "/etc/malt/apps-enabled");
        assertEquals(Path.of("/etc/malt/apps-enabled"), config.emperor().orElseThrow());
    }
}
