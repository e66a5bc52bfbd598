package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.LoggedProcess;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.TempDirs;
import dev.malt.integration.support.Tools;
import dev.malt.integration.support.Wait;
import dev.malt.integration.support.Wrk;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The seed's workflow, on this machine, with the package the build made: {@code apt-get install ./malt_*.deb},
 * an INI in /etc/malt/apps-available linked into apps-enabled, the shipped nginx site in front, touch to reload,
 * logrotate, socket activation, {@code apt-get remove} and {@code purge}. There is no systemd as PID 1 here, so
 * the test runs the unit's ExecStart itself under a NOTIFY_SOCKET it listens on, and sends the signals the unit
 * names for reload and stop. It leaves the machine as it found it: the package is purged in a finally.
 */
@ExtendWith(Diagnostics.class)
class DebianPackageTest {

    private static final String APP = "debtest";
    private static final Path UNIT = Path.of("/lib/systemd/system/malt.service");
    private static final Path AVAILABLE = Path.of("/etc/malt/apps-available");
    private static final Path ENABLED = Path.of("/etc/malt/apps-enabled");
    private static final Path SOCKET = Path.of("/run/malt/app/" + APP + ".sock");
    private static final Path APP_LOG = Path.of("/var/log/malt/app/" + APP + ".log");
    private static final Duration UP = Duration.ofSeconds(120);

    @Test
    void installsRunsUnderSystemdsContractAndPurgesTheDebianWay() throws Exception {
        assertTrue(Tools.isRoot(), "installing a package needs root: run ./run-tests as root");
        Path deb = debFile();
        if (installed()) {
            fail("the malt package is already installed on this machine; this test installs and purges it. "
                    + "Run 'apt-get purge malt' first (a test run that was killed may have left it).");
        }
        for (String tool : List.of("systemd-analyze", "systemd-socket-activate", "lintian", "logrotate")) {
            if (sh("command -v " + tool).exitCode() != 0) {
                fail(tool + " is missing: run ./run-tests as root (it installs systemd, lintian and logrotate), "
                        + "or apt-get install -y systemd lintian logrotate");
            }
        }
        Path scratch = TempDirs.create("debian");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        NotifySocket notify = NotifySocket.open(group);
        List<AutoCloseable> running = new ArrayList<>();
        try {
            lintian(deb);
            install(deb);
            checkInstalledFiles();
            verifyUnits(scratch);
            List<String> execStart = unitLine("ExecStart");
            assertEquals(List.of("/bin/kill", "-HUP", "$MAINPID"), unitLine("ExecReload"), "reload is SIGHUP");
            assertEquals(List.of("mixed"), unitLine("KillMode"), "stop signals the emperor alone");
            assertEquals(List.of("SIGTERM"), unitLine("KillSignal"));

            // Started exactly as the unit says, with nothing enabled yet: READY=1 at once.
            Instant started = Instant.now();
            LoggedProcess emperor = startService(execStart, notify, scratch, "emperor");
            running.add(emperor);
            String ready = notify.await("READY=1", emperor);
            System.out.println("READY=1 with no app after " + Duration.between(started, Instant.now()).toMillis()
                    + " ms: " + ready.replace('\n', ' '));
            assertTrue(ready.contains("MAINPID=" + emperor.pid()), ready);
            assertTrue(Files.isRegularFile(Path.of("/run/malt/malt.pid")), "the unit's pidfile");

            // The operator's app: an INI in apps-available (root's, naming the malt user), linked into apps-enabled.
            Path jar = Files.copy(Tools.samplesJar(), scratch.resolve("probe.jar"));
            Endpoint http = Endpoint.freeTcp();
            Path ini = AVAILABLE.resolve(APP + ".ini");
            Files.writeString(ini, "[malt]\nsocket = /run/malt/app/%n.sock\nchown-socket = malt:www-data\n"
                    + "chmod-socket = 660\nhttp-socket = " + http.iniValue() + "\nuid = malt\ngid = malt\n"
                    + "servlet = dev.malt.samples.ProbeServlet\nclasspath = " + jar + "\nworkers = 2\n");
            Files.createSymbolicLink(ENABLED.resolve(APP + ".ini"), Path.of("../apps-available/" + APP + ".ini"));
            Instant enabled = Instant.now();
            String status = notify.await("STATUS=1 app running: " + APP, emperor);
            System.out.println("app up (STATUS) " + Duration.between(enabled, Instant.now()).toMillis() + " ms after "
                    + "its symlink: " + status.replace('\n', ' '));
            checkSocketPermissions();
            assertEquals("malt", owner(Path.of("/var/lib/malt/" + APP)), "the app's state directory");

            Path staticDir = TempDirs.subdir(scratch, "static");
            Files.writeString(staticDir.resolve("hello.txt"), "static hello\n");
            try (Nginx nginx = Nginx.to(Endpoint.unix(SOCKET)).site(listen -> site(listen, staticDir)).start()) {
                HttpResponse page = RawHttp.get("/pid").send(nginx.endpoint());
                assertEquals(200, page.status(), page::toString);
                long worker = Long.parseLong(page.text().trim());
                assertEquals("malt", ProcessHandle.of(worker).flatMap(p -> p.info().user()).orElse("?"),
                        "workers run as the INI's uid");
                List<String> command = ProcessHandle.of(worker).flatMap(p -> p.info().arguments()).map(Arrays::asList)
                        .orElse(List.of());
                assertEquals("/usr/share/malt/lib/*", command.get(command.indexOf("-cp") + 1),
                        "a worker loads lib/, without the command's own jars (lib/cli): " + command);
                HttpResponse asset = RawHttp.get("/static/hello.txt").send(nginx.endpoint());
                assertEquals(200, asset.status(), asset::toString);
                assertEquals("static hello\n", asset.text(), "nginx serves the collectstatic directory itself");

                touchReloadUnderLoad(nginx, emperor, ini);
                maltReload(emperor);
                systemctlReload(emperor, notify, nginx);
                logrotateLosesNoLine(http);
                gracefulStop(emperor, notify, http);
            }
            socketActivation(execStart, notify, scratch, running, http);

            // 'apt-get remove' stops a running emperor gracefully (prerm), keeps conffiles and the operator's files.
            LoggedProcess again = startService(execStart, notify, scratch, "emperor-again");
            running.add(again);
            notify.await("READY=1", again);
            Wait.until(UP, () -> RawHttp.get("/pid").send(http).status() == 200, () -> "the app did not come back");
            run("apt-get", "remove", "-y", "malt");
            assertEquals(0, again.waitFor(MaltProcess.STOP_TIMEOUT), "prerm stopped the emperor gracefully:\n"
                    + again.describe(20));
            assertFalse(Files.exists(Path.of("/usr/bin/malt"), LinkOption.NOFOLLOW_LINKS));
            assertTrue(Files.isRegularFile(AVAILABLE.resolve("example.ini")), "remove keeps conffiles");
            assertTrue(Files.isRegularFile(ini));

            Instant purgeStart = Instant.now();
            run("apt-get", "purge", "-y", "malt");
            System.out.println("purge took " + Duration.between(purgeStart, Instant.now()).toMillis() + " ms");
            checkPurged(ini);
        } finally {
            for (AutoCloseable process : running) {
                if (process instanceof LoggedProcess p && p.isAlive()) {
                    p.stop("TERM", Duration.ofSeconds(30), Duration.ofSeconds(30));
                }
            }
            if (installed()) {
                sh("DEBIAN_FRONTEND=noninteractive apt-get purge -y malt");
            }
            // The operator's files this test wrote, and the directories they kept.
            Files.deleteIfExists(ENABLED.resolve(APP + ".ini"));
            Files.deleteIfExists(AVAILABLE.resolve(APP + ".ini"));
            sh("rmdir /etc/malt/apps-enabled /etc/malt/apps-available /etc/malt 2>/dev/null; "
                    + "rm -f /run/malt/app/" + APP + ".sock; rmdir /run/malt/app 2>/dev/null; true");
            notify.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            TempDirs.deleteQuietly(scratch);
        }
    }

    // ---- the steps ------------------------------------------------------------------------------

    private static void lintian(Path deb) {
        Result result = sh("lintian --no-tag-display-limit " + quote(deb) + " 2>&1");
        System.out.println("lintian:\n" + result.stdout());
        assertFalse(result.stdout().lines().anyMatch(l -> l.startsWith("E: ")), "lintian errors:\n" + result.stdout());
    }

    private static void install(Path deb) {
        Instant start = Instant.now();
        // apt-get resolves Depends (a Java 17 runtime, adduser) as it would on a fresh machine.
        Result result = run(deb.getParent(), "apt-get", "install", "-y", "./" + deb.getFileName());
        System.out.println("apt-get install took " + Duration.between(start, Instant.now()).toMillis() + " ms; "
                + "package " + deb.getFileName() + " is " + size(deb) / 1024 + " KiB");
        assertTrue(installed(), result.stdout());
    }

    private static void checkInstalledFiles() throws IOException {
        assertEquals(Path.of("/usr/share/malt/bin/malt"), Path.of("/usr/bin/malt").toRealPath());
        assertTrue(Files.isExecutable(Path.of("/usr/bin/malt")));
        assertTrue(Files.isRegularFile(Path.of("/usr/share/malt/lib/cli/malt-launcher.jar")));
        try (Stream<Path> files = Files.walk(Path.of("/usr/share/malt/lib"))) {
            List<String> foreign = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches(".*(osx|windows|quic|io_uring|kqueue|netty-all).*")).toList();
            assertEquals(List.of(), foreign, "native code for other systems, or Netty modules Malt does not use");
        }
        Result version = run("/usr/bin/malt", "--version");
        assertTrue(version.stdout().startsWith("Malt "), version.stdout());

        assertTrue(Files.readString(AVAILABLE.resolve("example.ini")).contains(";war = "), "a commented example");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(ENABLED)) {
            assertFalse(entries.iterator().hasNext(), "apps-enabled starts empty");
        }
        assertMode("/var/log/malt/app", "root", "adm", "rwxr-x---");
        assertTrue(Files.isDirectory(Path.of("/var/lib/malt")));
        assertMode("/run/malt/app", "malt", "www-data", "rwxr-x---");
        assertMode("/run/malt/control", "root", "root", "rwx------");
        for (String file : List.of("/lib/systemd/system/malt@.service", "/lib/systemd/system/malt@.socket",
                "/usr/lib/tmpfiles.d/malt.conf", "/etc/logrotate.d/malt", "/etc/nginx/snippets/malt-uwsgi.conf",
                "/usr/share/doc/malt/examples/nginx/malt-site.conf",
                "/usr/share/doc/malt/examples/apache2/malt-proxy-uwsgi.conf",
                "/usr/share/doc/malt/examples/apache2/malt-mod-uwsgi.conf", "/usr/share/doc/malt/copyright")) {
            assertTrue(Files.isRegularFile(Path.of(file)), file);
        }
        assertTrue(Files.isSymbolicLink(Path.of("/etc/systemd/system/multi-user.target.wants/malt.service")),
                "postinst enabled malt.service");

        String[] user = run("getent", "passwd", "malt").stdout().trim().split(":");
        assertTrue(Integer.parseInt(user[2]) < 1000, "a system user: " + String.join(":", user));
        assertEquals("/var/lib/malt", user[5]);
        assertEquals("/usr/sbin/nologin", user[6]);
        assertEquals(user[3], run("getent", "group", "malt").stdout().split(":")[2], "its own group");
        String conffiles = run("dpkg-query", "--showformat=${Conffiles}", "--show", "malt").stdout();
        assertTrue(conffiles.contains("/etc/malt/apps-available/example.ini")
                && conffiles.contains("/etc/logrotate.d/malt") && conffiles.contains("/etc/default/malt"), conffiles);
    }

    private static void verifyUnits(Path scratch) throws IOException {
        // A template is verified through an instance, as systemd would load it.
        Path units = TempDirs.subdir(scratch, "units");
        Files.copy(Path.of("/lib/systemd/system/malt@.service"), units.resolve("malt@shop.service"));
        Files.copy(Path.of("/lib/systemd/system/malt@.socket"), units.resolve("malt@shop.socket"));
        Result verify = sh("systemd-analyze verify " + UNIT + " " + units.resolve("malt@shop.service") + " "
                + units.resolve("malt@shop.socket") + " 2>&1");
        assertEquals(0, verify.exitCode(), "systemd-analyze verify:\n" + verify.stdout());
        assertEquals("", verify.stdout().strip(), "systemd-analyze verify has remarks");
        Result security = sh("systemd-analyze security --offline=true " + UNIT + " 2>&1 | tail -1");
        System.out.println("systemd-analyze security malt.service: " + security.stdout().strip());
    }

    private static void checkSocketPermissions() throws IOException {
        assertMode(SOCKET.toString(), "malt", "www-data", "rw-rw----");
        // www-data may connect; another user may not even reach the directory.
        assertEquals(0, sh("setpriv --reuid=www-data --regid=www-data --init-groups -- "
                + "test -w " + SOCKET).exitCode(), "www-data can write the socket");
        assertTrue(sh("setpriv --reuid=nobody --regid=nogroup --clear-groups -- test -e " + SOCKET).exitCode() != 0,
                "nobody cannot reach it");
    }

    /** The operator's {@code touch}: a graceful reload of that app, with no failed request under load. */
    private static void touchReloadUnderLoad(Nginx nginx, LoggedProcess emperor, Path ini) throws Exception {
        List<Long> before = workers();
        long linesBefore = requestLines();
        // wrk runs until stopped (600 s is only its cap): a reload on a busy machine may take a while.
        try (Wrk wrk = Wrk.start(nginx.endpoint(), "/pid", 32, 600)) {
            Wait.until(UP, () -> requestLines() > linesBefore + 200, () -> "no load reached the app");
            Files.setLastModifiedTime(ini, FileTime.from(Instant.now()));
            Wait.until(UP, Duration.ofMillis(100), () -> {
                List<Long> now = workers();
                return now.size() == 2 && now.stream().noneMatch(before::contains);
            }, () -> "touching " + ini + " did not reload the app:\n" + emperor.describe(30));
            long linesAfter = requestLines();
            Wait.until(UP, () -> requestLines() > linesAfter + 200, () -> "no load after the reload");
            Wrk.Result result = wrk.stop();
            System.out.println("touch reload under load: " + result.requests() + " requests\n" + result.text());
            assertTrue(result.requests() > 0, result.text());
            assertEquals(0, result.non2xx(), result::text);
            assertEquals(0, result.socketErrors(), result::text);
        }
    }

    private static void maltReload(LoggedProcess emperor) {
        List<Long> before = workers();
        Result reload = run("/usr/bin/malt", "reload", APP);
        assertTrue(reload.stdout().contains("reload"), reload.stdout());
        Wait.until(UP, Duration.ofMillis(100), () -> {
            List<Long> now = workers();
            return now.size() == 2 && now.stream().noneMatch(before::contains);
        }, () -> "'malt reload " + APP + "' did not reload it:\n" + emperor.describe(30));
    }

    /** ExecReload: SIGHUP; systemd hears RELOADING=1 (with the monotonic time), then READY=1 once it is done. */
    private static void systemctlReload(LoggedProcess emperor, NotifySocket notify, Nginx nginx) {
        List<Long> before = workers();
        notify.clear();
        emperor.signal("HUP");
        String reloading = notify.await("RELOADING=1", emperor);
        assertTrue(reloading.contains("MONOTONIC_USEC="), reloading);
        notify.await("READY=1", emperor);
        // READY=1 means the new workers serve: none of the old ones answers now.
        List<Long> after = workers();
        assertEquals(2, after.size(), after::toString);
        assertTrue(after.stream().noneMatch(before::contains), "READY=1 came before the reload was done");
        HttpResponse page = RawHttp.get("/pid").send(nginx.endpoint());
        assertEquals(200, page.status(), page::toString);
    }

    /** logrotate with the shipped config, while requests keep coming: every request line is in one of the files. */
    private static void logrotateLosesNoLine(Endpoint http) throws Exception {
        AtomicBoolean going = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            while (going.get()) {
                int n = sent.get();
                HttpResponse response = RawHttp.get("/pid?rot=" + n).send(http);
                assertEquals(200, response.status(), response::toString);
                sent.incrementAndGet();
            }
        });
        Wait.until(UP, () -> sent.get() > 50, () -> "no requests before logrotate");
        Path state = Files.createTempFile("logrotate", ".state");
        try {
            Result rotate = sh("logrotate -v -f -s " + state + " /etc/logrotate.d/malt 2>&1");
            assertEquals(0, rotate.exitCode(), rotate.stdout());
        } finally {
            Files.deleteIfExists(state);
        }
        Path rotated = APP_LOG.resolveSibling(APP + ".log.1");
        assertTrue(Files.isRegularFile(rotated), "logrotate renamed the log");
        Wait.until(UP, () -> read(APP_LOG).contains("GET /pid?rot="), () -> "no line reached the reopened log");
        int atRotation = sent.get();
        Wait.until(UP, () -> sent.get() > atRotation + 50, () -> "no requests after logrotate");
        going.set(false);
        load.get(30, TimeUnit.SECONDS);
        int total = sent.get();
        Wait.until(Duration.ofSeconds(20), () -> read(APP_LOG).contains("GET /pid?rot=" + (total - 1) + " "),
                () -> "the last request never reached the log");
        String all = read(rotated) + read(APP_LOG);
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (!all.contains("GET /pid?rot=" + i + " ")) {
                missing.add(i);
            }
        }
        System.out.println("logrotate under load: " + total + " requests, " + missing.size() + " lines missing");
        assertEquals(List.of(), missing, "request lines lost by the rotation");
        assertEquals("root:adm", owner(APP_LOG) + ":" + group(APP_LOG), "logrotate's create 0640 root adm");
    }

    /** systemctl stop: SIGTERM to the emperor alone; a request in flight finishes, STOPPING=1, exit 0. */
    private static void gracefulStop(LoggedProcess emperor, NotifySocket notify, Endpoint http) throws Exception {
        notify.clear();
        CompletableFuture<HttpResponse> slow = CompletableFuture.supplyAsync(() ->
                RawHttp.get("/sleep?ms=3000").timeout(Duration.ofSeconds(60)).send(http));
        Wait.until(UP, () -> read(APP_LOG).contains("GET /sleep?ms=3000") || busy(), () -> "the slow request never began");
        emperor.signal("TERM");
        notify.await("STOPPING=1", emperor);
        assertEquals(200, slow.get(60, TimeUnit.SECONDS).status(), "the request in flight finished");
        assertEquals(0, emperor.waitFor(UP), "the emperor stopped gracefully:\n" + emperor.describe(30));
        assertFalse(Files.exists(SOCKET), "the app's socket is removed when it stops");
        assertFalse(Files.exists(Path.of("/run/malt/malt.pid")), "vacuum removed the pidfile");
    }

    /** systemd-socket-activate holds the sockets and starts the unit's command on the first connection. */
    private static void socketActivation(List<String> execStart, NotifySocket notify, Path scratch,
                                         List<AutoCloseable> running, Endpoint http) throws Exception {
        notify.clear();
        List<String> command = new ArrayList<>(List.of("systemd-socket-activate", "-l", SOCKET.toString(), "-l",
                http.host() + ":" + http.port(), "--fdname=" + APP + ":" + APP + "-http",
                "-E", "NOTIFY_SOCKET=" + notify.address(), "-E", "PATH=" + System.getenv("PATH")));
        command.addAll(execStart);
        LoggedProcess activated = LoggedProcess.start("socket-activated", command, scratch,
                scratch.resolve("socket-activated.out"), List.of());
        running.add(activated);
        Wait.until(UP, () -> Files.exists(SOCKET), () -> "systemd-socket-activate did not bind:\n"
                + activated.describe(20));
        // Nothing runs Malt yet: this first request waits in the backlog while it starts.
        Instant first = Instant.now();
        HttpResponse response = RawHttp.get("/pid").timeout(UP).send(http);
        assertEquals(200, response.status(), response::toString);
        System.out.println("socket activation: first request answered after "
                + Duration.between(first, Instant.now()).toMillis() + " ms (Malt started by it)");
        notify.await("READY=1", activated);
        // The app's master logs where its sockets came from, in the app's log.
        String log = read(APP_LOG);
        assertTrue(log.contains("socket passed by systemd (fd 3 (" + APP + ") " + SOCKET + ")"), log);
        assertTrue(log.contains("socket passed by systemd (fd 4 (" + APP + "-http)"), log);
        assertEquals(200, RawHttp.get("/pid").send(http).status());
        activated.signal("TERM");
        assertEquals(0, activated.waitFor(UP), activated.describe(30));
        assertTrue(Files.exists(SOCKET), "Malt leaves systemd's socket file alone");
        Files.delete(SOCKET);
    }

    private static void checkPurged(Path ini) throws IOException {
        assertFalse(installed());
        assertTrue(Files.isRegularFile(ini), "the operator's INI stays");
        assertTrue(Files.isSymbolicLink(ENABLED.resolve(APP + ".ini")), "the operator's link stays");
        assertFalse(Files.exists(AVAILABLE.resolve("example.ini")), "the package's example goes");
        assertFalse(Files.exists(Path.of("/var/log/malt")), "logs go");
        assertFalse(Files.exists(Path.of("/var/lib/malt/" + APP)), "the app's state goes");
        assertFalse(Files.exists(Path.of("/etc/logrotate.d/malt")));
        assertFalse(Files.exists(Path.of("/etc/nginx/snippets/malt-uwsgi.conf")));
        assertFalse(Files.exists(Path.of("/lib/systemd/system/malt.service")));
        assertFalse(Files.exists(Path.of("/etc/systemd/system/multi-user.target.wants/malt.service"),
                LinkOption.NOFOLLOW_LINKS), "the enablement link goes");
        assertFalse(Files.exists(Path.of("/etc/systemd/system/malt.service"), LinkOption.NOFOLLOW_LINKS),
                "no mask is left");
        assertFalse(Files.exists(Path.of("/usr/share/malt")));
        assertEquals(2, sh("getent passwd malt").exitCode(), "the malt user goes");
        assertEquals(2, sh("getent group malt").exitCode(), "the malt group goes");
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static LoggedProcess startService(List<String> execStart, NotifySocket notify, Path scratch, String name) {
        return LoggedProcess.start(name, execStart, Path.of("/"), scratch.resolve(name + ".out"), List.of(APP_LOG),
                Map.of("NOTIFY_SOCKET", notify.address()));
    }

    /** The shipped nginx site example, enabled as an operator would, listening where the test can reach it. */
    private static String site(Endpoint listen, Path staticDir) {
        try {
            String text = Files.readString(Path.of("/usr/share/doc/malt/examples/nginx/malt-site.conf"));
            assertTrue(text.contains("uwsgi_pass unix:/run/malt/app/shop.sock;"), text);
            assertTrue(text.contains("alias /var/www/shop/static/;"), text);
            return text.replace("shop", APP)
                    .replace("listen 80;", "listen " + listen.host() + ":" + listen.port() + ";")
                    .replace("listen [::]:80;", "")
                    .replace("/var/www/" + APP + "/static/", staticDir + "/");
        } catch (IOException e) {
            throw new AssertionError("the nginx site example is not installed", e);
        }
    }

    /** A line of the installed malt.service, split as systemd splits it (no quoting in Malt's unit). */
    private static List<String> unitLine(String key) throws IOException {
        for (String line : Files.readAllLines(UNIT)) {
            if (line.startsWith(key + "=")) {
                return Arrays.asList(line.substring(key.length() + 1).trim().split("\\s+"));
            }
        }
        throw new AssertionError(UNIT + " has no " + key + "=");
    }

    /** The app's ready workers, from 'malt status --json' as an operator would ask. */
    private static List<Long> workers() {
        Result status = sh("/usr/bin/malt status --json " + APP);
        List<Long> pids = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "\"pid\":(\\d+),\"state\":\"(idle|busy)\",\"accepting\":true").matcher(status.stdout());
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    private static boolean busy() {
        return sh("/usr/bin/malt status --json " + APP).stdout().contains("\"state\":\"busy\"");
    }

    private static long requestLines() {
        return read(APP_LOG).lines().filter(l -> l.contains(" => generated ")).count();
    }

    private static Path debFile() throws IOException {
        Path dir = Tools.repoRoot().resolve("packaging/target");
        List<Path> debs = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "malt_*_all.deb")) {
                found.forEach(debs::add);
            }
        }
        if (debs.size() != 1) {
            throw new AssertionError("expected one malt_*_all.deb in " + dir + ", found " + debs + ": build it with "
                    + "mvn -B -DskipTests -pl packaging -am package (mvn verify does)");
        }
        return debs.get(0);
    }

    private static boolean installed() {
        return sh("dpkg-query -W -f='${Status}' malt 2>/dev/null").stdout().contains("install ok installed");
    }

    private static void assertMode(String path, String user, String group, String mode) throws IOException {
        Path p = Path.of(path);
        assertEquals(user + ":" + group + " " + mode, owner(p) + ":" + group(p) + " "
                + PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)), path);
    }

    private static String owner(Path p) throws IOException {
        return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
    }

    private static String group(Path p) throws IOException {
        return Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .group().getName();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String quote(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }

    record Result(int exitCode, String stdout) {
    }

    private static Result sh(String script) {
        return exec(Path.of("/"), List.of("sh", "-c", script));
    }

    /** Runs a command that must succeed; its output is in the failure. */
    private static Result run(String... command) {
        return run(Path.of("/"), command);
    }

    private static Result run(Path dir, String... command) {
        Result result = exec(dir, List.of(command));
        if (result.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + result.exitCode() + ":\n"
                    + result.stdout());
        }
        return result;
    }

    private static Result exec(Path dir, List<String> command) {
        try {
            Path out = Files.createTempFile("malt-deb-cmd", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
                Process process = builder.start();
                if (!process.waitFor(10, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError(command + " did not finish in 10 minutes");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** What systemd listens on for Type=notify: a unix datagram socket in the abstract namespace. */
    private static final class NotifySocket implements AutoCloseable {
        private final Channel channel;
        private final String address;
        private final BlockingQueue<String> messages;

        private NotifySocket(Channel channel, String address, BlockingQueue<String> messages) {
            this.channel = channel;
            this.address = address;
            this.messages = messages;
        }

        static NotifySocket open(EventLoopGroup group) throws InterruptedException {
            String name = "malt-debian-test-" + ProcessHandle.current().pid();
            BlockingQueue<String> queue = new LinkedBlockingQueue<>();
            Channel channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                            String text = packet.content().toString(StandardCharsets.UTF_8);
                            System.out.println("sd_notify: " + text.replace('\n', ' '));
                            queue.add(text);
                        }
                    })
                    .bind(new DomainSocketAddress("\0" + name)).sync().channel();
            return new NotifySocket(channel, "@" + name, queue);
        }

        String address() {
            return address;
        }

        void clear() {
            messages.clear();
        }

        /** The next message containing {@code text}; earlier ones are dropped. Fails if the process exits first. */
        String await(String text, LoggedProcess process) {
            long deadline = System.nanoTime() + UP.toNanos();
            while (System.nanoTime() < deadline) {
                String message;
                try {
                    message = messages.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                if (message != null && message.contains(text)) {
                    return message;
                }
                if (message == null && !process.isAlive()) {
                    throw new AssertionError(process.name() + " exited (" + process.exitCode() + ") before it sent "
                            + text + ":\n" + process.describe(40));
                }
            }
            throw new AssertionError("no sd_notify message with " + text + " within " + UP.toSeconds() + " s:\n"
                    + process.describe(40));
        }

        @Override
        public void close() {
            channel.close().awaitUninterruptibly();
        }
    }
}
