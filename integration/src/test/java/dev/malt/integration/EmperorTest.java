package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Tools;
import dev.malt.integration.support.Wait;
import dev.malt.integration.support.Wrk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's daily workflow, for real: INI files in apps-available, symlinks in apps-enabled,
 * one emperor running every enabled app behind nginx.
 */
@ExtendWith(Diagnostics.class)
class EmperorTest {

    private static final Duration UP = Duration.ofSeconds(90);

    @Test
    void appsComeAndGoWithTheirSymlinks() throws Exception {
        MaltProcess.Builder builder = MaltProcess.builder("emperor");
        Path available = Files.createDirectories(builder.path("apps-available"));
        Path enabled = Files.createDirectories(builder.path("apps-enabled"));
        Endpoint shopSocket = Endpoint.unix(builder.path("shop.sock"));
        Endpoint blogSocket = Endpoint.unix(builder.path("blog.sock"));
        writeApp(available.resolve("shop.ini"), shopSocket, "workers = 2");
        writeApp(available.resolve("blog.ini"), blogSocket, "workers = 1");
        link(enabled, "shop.ini");
        link(enabled, "blog.ini");

        Path logs = builder.path("logs");
        try (MaltProcess emperor = builder.emperor(enabled).args("--emperor-logdir", logs.toString()).startUnready();
             Nginx shop = Nginx.to(shopSocket).start();
             Nginx blog = Nginx.to(blogSocket).start()) {
            awaitServing(emperor, "shop", 2);
            awaitServing(emperor, "blog", 1);
            assertEquals(200, RawHttp.get("/pid").send(shop.endpoint()).status());
            assertEquals(200, RawHttp.get("/pid").send(blog.endpoint()).status());
            List<Long> blogWorkers = emperor.readyWorkersOf("blog");
            // Each app logs to its own file in emperor-logdir; the emperor keeps its own output.
            Wait.until(Duration.ofSeconds(20), () -> read(logs.resolve("shop.log")).contains("GET /pid => generated"),
                    () -> "no request line in shop.log:\n" + read(logs.resolve("shop.log")));
            assertTrue(read(logs.resolve("shop.log")).contains("[shop master]"));
            assertFalse(read(logs.resolve("shop.log")).contains("[blog master]"), "blog's lines stay out of shop.log");
            assertTrue(emperor.output().contains("[emperor]"));
            assertFalse(emperor.output().contains("GET /pid => generated"), "request lines go to the app logs");

            // Touching shop.ini under load reloads shop alone, and no request fails.
            List<Long> shopWorkers = emperor.readyWorkersOf("shop");
            try (Wrk wrk = Wrk.start(shop.endpoint(), "/pid", 64, 600)) {
                emperor.awaitRequestsServed("shop", emperor.requestsServed("shop") + 200, UP); // load flows
                ReloadUnderLoadTest.touchFile(available.resolve("shop.ini"));
                Wait.until(UP, Duration.ofMillis(100), () -> {
                    List<Long> now = emperor.readyWorkersOf("shop");
                    return now.size() == 2 && now.stream().noneMatch(shopWorkers::contains);
                }, () -> "shop was not reloaded after its INI was touched: " + emperor.appStatus("shop"));
                emperor.awaitRequestsServed("shop", 200, UP); // and reaches the new workers too
                Wrk.Result result = wrk.stop();
                System.out.println("touch of shop.ini under load: " + result.requests() + " requests\n" + result.text());
                assertTrue(result.requests() > 0, result.text());
                assertEquals(0, result.non2xx(), result::text);
                assertEquals(0, result.socketErrors(), result::text);
            }
            assertEquals(blogWorkers, emperor.readyWorkersOf("blog"), "blog was not touched by shop's reload");

            // Removing blog's symlink stops blog and removes its socket; shop goes on.
            Files.delete(enabled.resolve("blog.ini"));
            Wait.until(UP, () -> !Files.exists(blogSocket.path()) && emperor.appStatus("blog").isEmpty(),
                    () -> "blog still runs after its symlink was removed: " + emperor.appStatus("blog"));
            for (long pid : blogWorkers) {
                Wait.until(Duration.ofSeconds(30), () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                        () -> "blog's worker " + pid + " outlived its app");
            }
            assertEquals(200, RawHttp.get("/pid").send(shop.endpoint()).status());

            // A broken third INI is reported with file:line; the others keep serving.
            Path broken = available.resolve("broken.ini");
            Files.writeString(broken, "[malt]\nsocket = " + builder.path("broken.sock") + "\nwrokers = 2\n");
            link(enabled, "broken.ini");
            emperor.awaitOutputLine(Duration.ofSeconds(30), "broken.ini:3", "wrokers", "did you mean 'workers'");
            assertEquals("broken", emperor.appStatus("broken").get("state"));
            for (int i = 0; i < 10; i++) {
                assertEquals(200, RawHttp.get("/pid").send(shop.endpoint()).status());
            }
            // ... and retried when its file changes.
            writeApp(broken, Endpoint.unix(builder.path("broken.sock")), "workers = 1");
            awaitServing(emperor, "broken", 1);

            // An app that keeps failing at boot is throttled, and says so.
            Files.writeString(available.resolve("failing.ini"), "[malt]\nsocket = " + builder.path("failing.sock")
                    + "\nservlet = dev.malt.samples.NoSuchServlet\nclasspath = " + Tools.samplesJar() + "\n");
            link(enabled, "failing.ini");
            Wait.until(UP, () -> "throttled".equals(emperor.appStatus("failing").get("state")),
                    () -> "failing is not throttled: " + emperor.appStatus("failing"));
            assertTrue(String.valueOf(emperor.appStatus("failing").get("lastError")).contains("NoSuchServlet"));
            assertEquals(200, RawHttp.get("/pid").send(shop.endpoint()).status());

            MaltProcess.CliResult status = MaltProcess.cli("status", "--pidfile", writePid(builder, emperor));
            assertEquals(0, status.exitCode(), status::stderr);
            assertTrue(status.stdout().contains("shop") && status.stdout().contains("broken"), status.stdout());
        }
    }

    @Test
    void tyrantModeRunsEachAppAsTheOwnerOfItsIniFile() throws Exception {
        assertTrue("root".equals(System.getProperty("user.name")),
                "tyrant mode drops privileges and needs the tests to run as root: run ./run-tests as root");
        String user = "malt-tyrant";
        int uid = ensureUser(user);
        MaltProcess.Builder builder = MaltProcess.builder("tyrant");
        Path enabled = Files.createDirectories(builder.path("apps-enabled"));
        Path ini = enabled.resolve("mine.ini");
        Endpoint http = Endpoint.freeTcp();
        Files.writeString(ini, "[malt]\nhttp-socket = " + http.iniValue() + "\nservlet = dev.malt.samples.ProbeServlet\n"
                + "classpath = " + Tools.samplesJar() + "\n");
        Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-r--r--"));
        run("chown", user, ini.toString());
        Path open = enabled.resolve("open.ini");
        Files.writeString(open, "[malt]\nhttp-socket = " + Endpoint.freeTcp().iniValue()
                + "\nservlet = dev.malt.samples.ProbeServlet\nclasspath = " + Tools.samplesJar() + "\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
        run("chown", user, open.toString());

        try (MaltProcess emperor = builder.emperor(enabled).args("--emperor-tyrant").startUnready()) {
            awaitServing(emperor, "mine", 1);
            long worker = emperor.readyWorkersOf("mine").get(0);
            String status = Files.readString(Path.of("/proc/" + worker + "/status"));
            String uidLine = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            assertTrue(uidLine.matches("Uid:\\s+" + uid + "\\s+" + uid + "\\s+" + uid + "\\s+" + uid), uidLine);
            HttpResponse response = RawHttp.get("/pid").send(http);
            assertEquals(200, response.status(), response::toString);
            assertEquals(Long.toString(worker), response.text().trim());
            // Its default state directory is its own, made by root in a place the app's owner cannot choose.
            Path state = Path.of("/var/lib/malt/mine");
            assertEquals(uid, Files.getAttribute(state, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS));
            assertTrue(Files.isDirectory(state.resolve("tmp")), () -> "the worker's temp directory is under " + state);
            emperor.awaitOutputLine(Duration.ofSeconds(30), "open.ini", "writable by its group or by others");
            assertEquals("broken", emperor.appStatus("open").get("state"));
        }
    }

    @Test
    void startToServingForOneAppAndForFive() throws Exception {
        for (int apps : new int[] {1, 5}) {
            MaltProcess.Builder builder = MaltProcess.builder("startup" + apps);
            Path enabled = Files.createDirectories(builder.path("apps-enabled"));
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < apps; i++) {
                Endpoint http = Endpoint.freeTcp();
                endpoints.add(http);
                Files.writeString(enabled.resolve("app" + i + ".ini"), "[malt]\nhttp-socket = " + http.iniValue()
                        + "\nservlet = dev.malt.samples.HelloServlet\nclasspath = " + Tools.samplesJar() + "\n");
            }
            Endpoint stats = Endpoint.freeTcp();
            long start = System.nanoTime();
            try (MaltProcess emperor = builder.emperor(enabled).args("--stats", stats.iniValue()).startUnready()) {
                for (Endpoint endpoint : endpoints) {
                    Wait.until(UP, Duration.ofMillis(20), () -> answers(endpoint), () -> endpoint + " never answered");
                }
                System.out.println("emperor start to serving, " + apps + " app(s): "
                        + (System.nanoTime() - start) / 1_000_000 + " ms");
                Map<String, Object> doc = dev.malt.integration.support.Json.parseObject(readAll(stats));
                assertEquals(apps, ((List<?>) doc.get("vassals")).size(), () -> "vassals[] in " + doc);
                assertEquals(emperor.pid(), ((Number) doc.get("pid")).longValue());
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static String readAll(Endpoint tcp) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(tcp.host(), tcp.port())) {
            socket.setSoTimeout(10_000);
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void writeApp(Path ini, Endpoint socket, String extra) throws IOException {
        Files.writeString(ini, "[malt]\nsocket = " + socket.iniValue() + "\nchmod-socket = 666\n"
                + "servlet = dev.malt.samples.ProbeServlet\nclasspath = " + Tools.samplesJar() + "\n" + extra + "\n");
    }

    private static void link(Path enabled, String file) throws IOException {
        Files.createSymbolicLink(enabled.resolve(file), Path.of("..", "apps-available", file));
    }

    private static void awaitServing(MaltProcess emperor, String app, int workers) {
        Wait.until(UP, Duration.ofMillis(100), () -> emperor.readyWorkersOf(app).size() == workers,
                () -> app + " never had " + workers + " ready worker(s): " + emperor.appStatus(app)
                        + "\nlast lines:\n" + emperor.outputTail(30));
    }

    private static boolean answers(Endpoint http) {
        try {
            return RawHttp.get("/").timeout(Duration.ofSeconds(2)).send(http).status() == 200;
        } catch (RuntimeException | AssertionError e) {
            return false;
        }
    }

    private static String writePid(MaltProcess.Builder builder, MaltProcess emperor) throws IOException {
        Path pidfile = builder.path("emperor.pid");
        Files.writeString(pidfile, emperor.pid() + "\n");
        return pidfile.toString();
    }

    /** A system user for tyrant mode, created once with useradd. */
    private static int ensureUser(String user) throws Exception {
        if (run("id", "-u", user).exitCode() != 0) {
            Result created = run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
            assertEquals(0, created.exitCode(), () -> "cannot create user " + user + " for the tyrant test "
                    + "(useradd from the passwd package, as root): " + created.output());
        }
        return Integer.parseInt(run("id", "-u", user).output().trim());
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), output);
    }
}
