package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Value checks at load time, and the errors they give. */
class ValuesTest {

    @TempDir
    Path tmp;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(tmp);
    }

    /** Loads an app with one extra line (line 4 of shop.ini). */
    private AppConfig with(String line) {
        return fx.loadMalt(Fixture.APP + line + "\n");
    }

    /** Fails with one extra line, and checks the error names shop.ini, line 4 and the option. */
    private String failing(String line, String option) {
        ConfigException e = fx.failMalt(Fixture.APP + line + "\n");
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals("shop.ini", e.file().orElseThrow());
        assertEquals(4, e.line());
        assertEquals(option, e.option().orElseThrow());
        assertTrue(e.getMessage().startsWith("shop.ini:4: "), e.getMessage());
        return e.getMessage();
    }

    @ParameterizedTest
    @CsvSource({"false,false", "off,false", "no,false", "0,false", "OFF,false", "No,false",
            "true,true", "on,true", "yes,true", "1,true", "whatever,true"})
    void booleans(String value, boolean expected) {
        assertEquals(expected, with("vacuum = " + value).vacuum());
    }

    @Test
    void an_empty_value_is_a_true_switch() {
        assertTrue(with("vacuum =").vacuum());
    }

    @Test
    void integers_are_checked_against_their_range() {
        assertEquals(1024, with("workers = 1024").workers());
        assertTrue(failing("workers = 0", "workers").contains("use a number from 1 to 1024"));
        assertTrue(failing("workers = 1025", "workers").contains("1025 is out of range"));
        assertTrue(failing("workers = lots", "workers")
                .contains("bad value for 'workers': 'lots' is not a whole number; use a number from 1 to 1024."));
        assertTrue(failing("harakiri = -1", "harakiri").contains("use 0 or more"));
    }

    @Test
    void an_alias_error_names_the_key_as_written_and_the_option() {
        String message = failing("processes = many", "workers");
        assertTrue(message.contains("bad value for 'processes'"), message);
    }

    @Test
    void a_missing_value_says_how_to_write_it() {
        assertTrue(failing("workers", "workers").contains("'workers' needs a value: write 'workers = N'"));
        assertTrue(failing("servlet =", "servlet").contains("'servlet = CLASS'"));
    }

    @Test
    void buffer_size_takes_bytes_or_k_up_to_65535() {
        assertEquals(32768, with("buffer-size = 32k").bufferSize());
        assertEquals(8192, with("buffer-size = 8192").bufferSize());
        assertTrue(failing("buffer-size = 64k", "buffer-size").contains("65536 is out of range"));
        assertTrue(failing("buffer-size = 4x", "buffer-size").contains("'4x' is not a size"));
    }

    @Test
    void heap_sizes() {
        assertEquals(Optional.of("512m"), with("heap = 512M").heap());
        assertEquals(Optional.of("2g"), with("heap = 2g").heap());
        assertEquals(Optional.of("65536k"), with("heap = 65536k").heap());
        assertTrue(failing("heap = 1.5g", "heap").contains("'1.5g' is not a size; use a whole number with k, m or g"));
        assertTrue(failing("heap = 2t", "heap").contains("not a size"));
        assertTrue(failing("heap = 9999999999g", "heap").contains("far too large"));
    }

    @Test
    void octal_socket_modes() {
        assertEquals(Optional.of(0660), with("chmod-socket = 660").chmodSocket());
        assertEquals(Optional.of(0666), with("chmod-socket").chmodSocket());
        assertEquals(Optional.of(02775), with("chmod-socket = 2775").chmodSocket());
        assertEquals(Optional.empty(), with("").chmodSocket());
        assertTrue(failing("chmod-socket = 689", "chmod-socket").contains("not an octal file mode"));
        assertTrue(failing("chmod-socket = u+rw", "chmod-socket").contains("not an octal file mode"));
    }

    @Test
    void threads_take_a_count_or_virtual() {
        assertEquals(ThreadsSetting.fixed(16), with("threads = 16").threads());
        assertTrue(with("threads = Virtual").threads().isVirtual());
        assertEquals(0, with("threads = virtual").threads().count());
        assertEquals(8, with("").threads().count());
        assertTrue(failing("threads = 0", "threads").contains("use a number from 1 to"));
        assertTrue(failing("threads = lots", "threads").contains("neither a number of threads nor 'virtual'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3031", "localhost", "127.0.0.1:", "127.0.0.1:99999", "::1:3031", "10.0.0.300:80",
            "[::1]", "[nonsense]:80", "unix:", "@abstract", "host name:80"})
    void bad_socket_addresses(String address) {
        failing("socket = " + address, "socket");
    }

    @Test
    void a_port_without_colon_gets_a_hint() {
        assertTrue(failing("http-socket = 8080", "http-socket").contains("for a TCP port write :8080"));
    }

    @Test
    void key_value_options_need_a_key() {
        assertTrue(failing("env = NOEQUALS", "env").contains("'NOEQUALS' is not KEY=VALUE"));
        assertTrue(failing("env = =x", "env").contains("is not KEY=VALUE"));
        assertEquals("", with("env = EMPTY=").env().get("EMPTY"));
        assertTrue(failing("init-param = x", "init-param").contains("KEY=VALUE"));
        assertTrue(failing("set-placeholder = x", "set-placeholder").contains("NAME=VALUE"));
    }

    @Test
    void mounts_need_a_path_and_a_target() {
        assertTrue(failing("static-map = static=/srv", "static-map").contains("/URL=DIR"));
        assertTrue(failing("mount = /shop=", "mount").contains("/PATH=TARGET"));
    }

    @Test
    void static_maps_name_existing_directories_or_files() throws Exception {
        java.nio.file.Files.createDirectories(tmp.resolve("static"));
        fx.write("favicon.ico", "icon");
        AppConfig config = fx.loadMalt(Fixture.APP + "static-map = /static=static\nstatic-map = /favicon.ico="
                + tmp.toRealPath().resolve("favicon.ico") + "\n");
        assertEquals(java.util.List.of(new AppConfig.StaticMap("/static", fx.dir.resolve("static")),
                new AppConfig.StaticMap("/favicon.ico", fx.dir.resolve("favicon.ico"))), config.staticMaps());
    }

    @Test
    void a_missing_static_directory_stops_the_start() {
        String message = failing("static-map = /static=/srv/nowhere/static", "static-map");
        assertTrue(message.contains("/srv/nowhere/static, which does not exist"), message);
    }

    @Test
    void a_static_url_path_without_dot_segments() throws Exception {
        java.nio.file.Files.createDirectories(tmp.resolve("static"));
        assertTrue(failing("static-map = /a/../static=static", "static-map").contains("'..' segments"));
        assertTrue(failing("static-map = static=static", "static-map").contains("/URL=DIR"));
    }

    @Test
    void static_expires_takes_a_regex_and_seconds() {
        AppConfig config = with("static-expires = \\.(css|js)$   86400");
        assertEquals(1, config.staticExpires().size());
        assertEquals("\\.(css|js)$", config.staticExpires().get(0).pattern().pattern());
        assertEquals(86400, config.staticExpires().get(0).seconds());
        assertEquals(60, with("static-expires-uri = ^/static/img with space/ 60").staticExpiresUri().get(0).seconds());
        assertTrue(failing("static-expires = \\.css$", "static-expires").contains("REGEX SECONDS"));
        assertTrue(failing("static-expires = (css 60", "static-expires").contains("is not a regular expression"));
        assertTrue(failing("static-expires = css -1", "static-expires").contains("not a whole number"));
        assertTrue(failing("static-expires-uri = css 999999999", "static-expires-uri").contains("out of range"));
    }

    @Test
    void servlet_must_be_a_class_name() {
        assertTrue(failing("servlet = com.example.My Servlet", "servlet").contains("not a Java class name"));
        assertEquals(Optional.of("a.b.C$Inner"), with("servlet = a.b.C$Inner").servletClass());
    }

    @Test
    void app_names_must_be_usable_in_file_names() {
        assertEquals("shop-2", with("name = shop-2").appName());
        assertTrue(failing("name = ../etc", "name").contains("cannot name an app"));
    }

    @Test
    void strings_are_kept_as_written() {
        assertEquals(Optional.of("www-data"), with("uid = www-data").uid());
        assertFalse(with("").uid().isPresent());
    }
}
