package dev.malt.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed accessors, defaults, paths, and the encoding for workers. */
class AppConfigTest {

    @TempDir
    Path tmp;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(tmp);
    }

    @Test
    void defaults() {
        AppConfig config = fx.loadMalt(Fixture.APP);
        assertEquals("shop", config.appName());
        assertEquals(1, config.workers());
        assertEquals(ThreadsSetting.fixed(8), config.threads());
        assertEquals(65535, config.bufferSize());
        assertEquals(1000, config.maxVars());
        assertEquals(100, config.listenBacklog());
        assertEquals(0, config.harakiriSeconds());
        assertEquals(0, config.maxRequests());
        assertEquals(0, config.reloadOnRssMb());
        assertEquals(60, config.workerReloadMercySeconds());
        assertEquals(60, config.reloadMercySeconds());
        assertFalse(config.vacuum());
        assertFalse(config.disableLogging());
        assertEquals(Optional.empty(), config.chmodSocket());
        assertEquals(Optional.empty(), config.pidfile());
        assertEquals(Optional.empty(), config.logto());
        assertEquals(Optional.empty(), config.stats());
        assertEquals(Optional.empty(), config.heap());
        assertEquals(Optional.empty(), config.javaHome());
        assertEquals(List.of(), config.jvmOptions());
        assertEquals(List.of(), config.classpath());
        assertEquals(Map.of(), config.env());
        assertEquals(fx.dir, config.baseDir());
        assertEquals("default", config.source("workers"));
        assertFalse(config.isSet("workers"));
        assertEquals(Optional.of("1"), config.string("processes"));
    }

    @Test
    void sockets_keep_their_order_and_kind() {
        AppConfig config = fx.loadMalt("""
                socket = 127.0.0.1:3031
                http-socket = :8080
                socket = [::1]:3032
                socket = run/shop.sock
                socket = unix:/run/malt/app/shop.sock
                servlet = a.B
                """);
        List<ListenSpec> sockets = config.sockets();
        assertEquals(5, sockets.size());
        assertEquals(new ListenSpec(ListenSpec.Kind.UWSGI, ListenAddress.tcp("127.0.0.1", 3031)), sockets.get(0));
        assertEquals(ListenSpec.Kind.HTTP, sockets.get(1).kind());
        assertTrue(sockets.get(1).address().isWildcard());
        assertEquals("::1", sockets.get(2).address().host());
        assertEquals(fx.dir.resolve("run/shop.sock"), sockets.get(3).address().unixPath());
        assertEquals(Path.of("/run/malt/app/shop.sock"), sockets.get(4).address().unixPath());
    }

    @Test
    void relative_paths_resolve_against_chdir_else_the_ini_directory() {
        fx.write("conf/shop.ini", "[malt]\n" + Fixture.APP + """
                classpath = lib/*.jar:classes
                classpath = /opt/shared.jar
                touch-reload = reload.txt
                touch-chain-reload = /tmp/chain
                pidfile = run/shop.pid
                mount = /shop=shop.war
                java-home = /usr/lib/jvm/21
                """);
        fx.write("conf/shop.war", "x");
        AppConfig config = fx.load("conf/shop.ini");
        Path conf = fx.dir.resolve("conf");
        assertEquals(conf, config.baseDir());
        assertEquals(List.of(conf + "/lib/*.jar", conf + "/classes", "/opt/shared.jar"), config.classpath());
        assertEquals(List.of(conf.resolve("reload.txt")), config.touchReload());
        assertEquals(List.of(Path.of("/tmp/chain")), config.touchChainReload());
        assertEquals(Optional.of(conf.resolve("run/shop.pid")), config.pidfile());
        assertEquals(List.of(new AppConfig.Mount("/shop", conf.resolve("shop.war"))), config.mounts());
        assertEquals(Optional.of(Path.of("/usr/lib/jvm/21")), config.javaHome());

        fx.write("conf/shop.ini", "[malt]\n" + Fixture.APP + "chdir = ../srv\nclasspath = lib\n");
        AppConfig moved = fx.load("conf/shop.ini");
        assertEquals(fx.dir.resolve("srv"), moved.baseDir());
        assertEquals(List.of(fx.dir.resolve("srv/lib").toString()), moved.classpath());
    }

    @Test
    void env_init_params_and_jvm_options() {
        AppConfig config = fx.loadMalt(Fixture.APP + """
                env = LANG=C.UTF-8
                env = PATH=/usr/bin:/bin
                init-param = greeting=hello=world
                jvm-options = -Xss1m   -Dfile.encoding=UTF-8
                jvm-options = -XX:+UseZGC
                heap = 256m
                """);
        assertEquals(Map.of("LANG", "C.UTF-8", "PATH", "/usr/bin:/bin"), config.env());
        assertEquals(Map.of("greeting", "hello=world"), config.initParams());
        assertEquals(List.of("-Xss1m", "-Dfile.encoding=UTF-8", "-XX:+UseZGC"), config.jvmOptions());
        assertEquals(Optional.of("256m"), config.heap());
    }

    @Test
    void processes_and_logging() {
        AppConfig config = fx.loadMalt(Fixture.APP + """
                processes = 4
                harakiri = 30
                max-requests = 5000
                reload-on-rss = 512
                worker-reload-mercy = 10
                reload-mercy = 20
                logto = /var/log/malt/app/shop.log
                disable-logging = yes
                stats = 127.0.0.1:9191
                chmod-socket = 660
                master = true
                die-on-term = true
                """);
        assertEquals(4, config.workers());
        assertEquals(30, config.harakiriSeconds());
        assertEquals(5000, config.maxRequests());
        assertEquals(512, config.reloadOnRssMb());
        assertEquals(10, config.workerReloadMercySeconds());
        assertEquals(20, config.reloadMercySeconds());
        assertEquals(Optional.of(Path.of("/var/log/malt/app/shop.log")), config.logto());
        assertTrue(config.disableLogging());
        assertEquals(ListenAddress.tcp("127.0.0.1", 9191), config.stats().orElseThrow());
        assertEquals(Optional.of(0660), config.chmodSocket());
        assertEquals("shop.ini:4", config.source("processes"));
    }

    @Test
    void generic_accessors_reject_wrong_use() {
        AppConfig config = fx.loadMalt(Fixture.APP);
        assertThrows(IllegalArgumentException.class, () -> config.string("nope"));
        assertThrows(IllegalArgumentException.class, () -> config.integer("chdir"));
        assertThrows(IllegalArgumentException.class, () -> config.bool("workers"));
    }

    @Test
    void encode_and_decode_round_trip() {
        fx.env.put("ODD", "tab\there\\back");
        fx.write("shop.ini", "[malt]\n" + Fixture.APP + """
                workers = 3
                env = ODD=$(ODD)
                env = SEMI=a ; b
                chdir = /srv/shop
                threads = virtual
                socket = /run/x.sock
                """);
        AppConfig config = fx.load("shop.ini", "--env", "NL=line1\nline2", "--workers", "4", "--vacuum", null);
        String encoded = config.encode();
        AppConfig decoded = AppConfig.decode(encoded);
        assertEquals(config, decoded);
        assertEquals(config.hashCode(), decoded.hashCode());
        assertEquals(encoded, decoded.encode());
        assertEquals("tab\there\\back", decoded.env().get("ODD"));
        assertEquals("line1\nline2", decoded.env().get("NL"));
        assertEquals("command line", decoded.source("env"));
        assertEquals("shop.ini:7", decoded.source("chdir"));
        assertEquals("command line", decoded.source("workers"));
        assertEquals(config.sockets(), decoded.sockets());
        assertEquals(config.baseDir(), decoded.baseDir());
        assertEquals(config.iniFile(), decoded.iniFile());
        assertEquals("shop", decoded.appName());
        assertTrue(decoded.threads().isVirtual());
        // header, ini, ini-dir, cwd, then one line per value: newlines inside values are escaped
        assertEquals(4 + 11, encoded.lines().count(), encoded);
    }

    @Test
    void decoding_garbage_fails_loudly() {
        assertThrows(IllegalArgumentException.class, () -> AppConfig.decode("hello"));
        assertThrows(IllegalArgumentException.class, () -> AppConfig.decode("malt-config 1\nset\tnope\tx:1\tv\n"));
    }

    @Test
    void configs_differ_when_values_differ() {
        AppConfig a = fx.loadMalt(Fixture.APP + "workers = 2\n");
        AppConfig b = fx.loadMalt(Fixture.APP + "workers = 3\n");
        assertNotEquals(a, b);
    }

    @Test
    void to_string_lists_values_with_sources() {
        String text = fx.loadMalt(Fixture.APP).toString();
        assertTrue(text.contains("socket = :3031  (shop.ini:2)"), text);
    }
}
