package dev.malt.server.config;

import dev.malt.protocol.FuzzInputs;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the INI reader end to end (ini4j's tokenizing, sections, includes, placeholders, magic and
 * environment variables, every option's value type) with the shipped INI files and a few that use every
 * feature as the corpus. Whatever the bytes: a config comes out or a {@link ConfigException} naming the
 * file does, never another exception or a hang; and a config that loads survives the trip to a worker
 * ({@link AppConfig#encode()} then {@link AppConfig#decode(String)}) unchanged.
 */
class IniFuzzTest {

    static final int TRIES = 1_000_000;
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final AtomicLong LOADED = new AtomicLong();
    private static final long STARTED = System.nanoTime();
    private static Fixture fixture;
    private static Path shop;

    @BeforeContainer
    static void files() throws IOException {
        fixture = new Fixture(Files.createTempDirectory(scratch(), "ini-fuzz"));
        fixture.env.put("HOME", "/home/shop");
        fixture.env.put("PORT", "3031");
        // included by the fuzzed file; never mutated
        fixture.write("other.ini", "[part]\nworkers = 2\nenv = FROM=other\n[malt]\nthreads = 4\n");
        fixture.write("conf.d/extra.ini", "[malt]\nmax-requests = 100\n");
        shop = fixture.dir.resolve("shop.ini");
    }

    @Provide
    Arbitrary<byte[]> iniFiles() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        Path repo = repoRoot();
        for (String shipped : List.of("apps-available/hello.ini", "apps-available/shop.ini",
                "packaging/etc/apps-available/example.ini")) {
            // their option lines: a mutated comment stays a comment, and each byte costs time a million times over
            String text = Files.readString(repo.resolve(shipped));
            seeds.add(optionLines(text).getBytes(StandardCharsets.UTF_8));
            seeds.add(optionLines(text.replace("\n;", "\n")).getBytes(StandardCharsets.UTF_8)); // commented ones too
        }
        seeds.add(("""
                [malt]
                socket = :$(PORT)
                http-socket = [::1]:8080
                servlet = com.example.Shop
                set-placeholder = base=/srv/%n
                chdir = %(base)
                state-dir = %d.state/%c
                env = HOME_DIR=$(HOME)
                env = EMPTY=
                ini = :extra
                ini = other.ini:part
                ini = %dconf.d/extra.ini
                threads = virtual
                buffer-size = 32k
                static-map = /static=%(base)/static
                static-expires = \\.css$ 3600
                cache-route = ^/products 60 ignore-cookies
                mount = /admin=%(base)/admin.war
                harakiri
                vacuum = off
                # a comment
                [extra]
                workers = %k
                touch-reload = %p
                [uwsgi]
                listen = 128
                """).getBytes(StandardCharsets.UTF_8));
        seeds.add("[uwsgi]\nsocket = /run/malt/app/%n.sock\nchmod-socket\nwar = %d%n.war\nini = %p\n"
                .getBytes(StandardCharsets.UTF_8));
        return FuzzInputs.mutated(seeds, 6);
    }

    @Property(tries = TRIES)
    void anyFileLoadsOrIsRejectedWithItsName(@ForAll("iniFiles") byte[] content) throws IOException {
        INPUTS.incrementAndGet();
        Files.write(shop, content);
        AppConfig config;
        try {
            config = fixture.loader().load(Path.of("shop.ini"));
        } catch (ConfigException e) {
            assertFalse(e.getMessage().isBlank(), "an empty error");
            assertTrue(e.getMessage().contains("shop.ini") || e.getMessage().contains("other.ini")
                    || e.getMessage().contains("extra.ini") || e.getMessage().contains("command line"),
                    () -> "the error names no file: " + e.getMessage());
            return;
        } catch (UncheckedIOException e) {
            fail("an I/O failure escaped the loader: " + e);
            return;
        }
        LOADED.incrementAndGet();
        assertEquals(config, AppConfig.decode(config.encode()), "the config a worker gets is the one the master read");
    }

    @AfterContainer
    static void report() throws IOException {
        long inputs = INPUTS.get();
        double seconds = (System.nanoTime() - STARTED) / 1e9;
        System.out.printf("INI fuzz: %d inputs (%d loaded) in %.1f s, %.1f s of CPU (%.0f/s)%n", inputs, LOADED.get(),
                seconds, FuzzInputs.cpuSecondsSinceStart(), inputs / seconds);
        try (var files = Files.walk(fixture.dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        if (inputs < TRIES) {
            fail("only " + inputs + " inputs were tried");
        }
    }

    /** Sections and options, without comments and blank lines. */
    private static String optionLines(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith(";") && !trimmed.startsWith("#")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** A million files are written: in memory (tmpfs) where the machine has it. */
    private static Path scratch() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("apps-available"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from inside the Malt checkout: no apps-available/ above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
