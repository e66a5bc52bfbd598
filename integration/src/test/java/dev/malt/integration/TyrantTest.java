package dev.malt.integration;

import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.Json;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawUwsgi;
import dev.malt.integration.support.Tools;
import dev.malt.integration.support.Users;
import dev.malt.integration.support.Wait;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tyrant mode ({@code --emperor-tyrant}) with real users, as root: an app's owner gets to run code as
 * themselves, and nothing more. Every path their INI names (includes, logto, sockets, chdir, touch files,
 * the state directory) is used with their identity, so it reaches nothing they could not reach themselves.
 *
 * <p>Each test lays out a scratch directory: {@code home/} belongs to the app's user; {@code rootdir/} is
 * root's (0755, which the user can read but not write); {@code vault/} is root's 0700, with {@code inner/}
 * (0755) inside that the user could use only if root opened the way.
 */
@ExtendWith(Diagnostics.class)
class TyrantTest {

    private static final String USER = "malt-tyrant";
    private static final String OTHER_USER = "malt-tyrant-other";
    private static final String GROUP = "malt-tyrant-extra";
    private static final Duration UP = Duration.ofSeconds(90);

    private static int uid;

    @BeforeAll
    static void users() {
        Users.requireRoot();
        uid = Users.ensureUser(USER);
    }

    /** Scratch layout shared by the tests; see the class comment. */
    private record Layout(MaltProcess.Builder builder, Path enabled, Path home, Path rootdir, Path vault) {

        static Layout create(String name) throws IOException {
            MaltProcess.Builder builder = MaltProcess.builder(name);
            Path enabled = Files.createDirectories(builder.path("apps-enabled"));
            Path home = Files.createDirectories(builder.path("home"));
            Users.chown(home, USER);
            Path rootdir = Files.createDirectories(builder.path("rootdir"));
            Path vault = Files.createDirectories(builder.path("vault"));
            Files.createDirectories(vault.resolve("inner"));
            Files.setPosixFilePermissions(vault, PosixFilePermissions.fromString("rwx------"));
            return new Layout(builder, enabled, home, rootdir, vault);
        }

        /** {@code home/link}, the user's own symlink to root's {@code rootdir/}. */
        Path linkToRootdir() throws IOException {
            Path link = Files.createSymbolicLink(home.resolve("link"), rootdir);
            Users.chown(link, USER);
            return link;
        }

        /** An app INI owned by the user: the probe servlet on a free TCP port, plus {@code extra} lines. */
        Path app(String name, String extra) throws IOException {
            return userFile(enabled.resolve(name + ".ini"), "[malt]\nhttp-socket = " + Endpoint.freeTcp().iniValue()
                    + "\nservlet = dev.malt.samples.ProbeServlet\nclasspath = " + Tools.samplesJar() + "\n" + extra);
        }

        /** Writes {@code file} (0644) and gives it to the app's user. */
        Path userFile(Path file, String text) throws IOException {
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            Users.chown(file, USER);
            return file;
        }

        MaltProcess start(String... extraArgs) {
            List<String> args = new java.util.ArrayList<>(List.of("--emperor-tyrant"));
            args.addAll(List.of(extraArgs));
            return builder.emperor(enabled).args(args.toArray(String[]::new)).startUnready();
        }
    }

    @Test
    void aUsersIniMayNameOnlyGroupsItsOwnerBelongsTo() throws Exception {
        int extra = Users.ensureGroup(GROUP, USER);
        Layout layout = Layout.create("tyrant-groups");
        layout.app("rootgroup", "gid = root\n");
        layout.app("extra", "gid = " + GROUP + "\n");

        try (MaltProcess emperor = layout.start()) {
            awaitServing(emperor, "extra");
            long worker = emperor.readyWorkersOf("extra").get(0);
            String gidLine = Files.readString(Path.of("/proc/" + worker + "/status")).lines()
                    .filter(l -> l.startsWith("Gid:")).findFirst().orElseThrow();
            assertTrue(gidLine.matches("Gid:\\s+" + extra + "\\s+" + extra + "\\s+" + extra + "\\s+" + extra), gidLine);

            awaitSettled(emperor, "rootgroup");
            assertEquals("broken", emperor.appStatus("rootgroup").get("state"), () -> "an app of " + USER
                    + " runs as group root: " + emperor.appStatus("rootgroup"));
            assertTrue(lastError(emperor, "rootgroup").contains("does not belong to group root"),
                    () -> lastError(emperor, "rootgroup"));
        }
    }

    @Test
    void logtoIsOpenedAsTheAppsUser() throws Exception {
        Layout layout = Layout.create("tyrant-logto");
        Path link = layout.linkToRootdir();
        Path ownLog = layout.home().resolve("logs/own.log");
        Endpoint http = Endpoint.freeTcp();
        layout.userFile(layout.enabled().resolve("ownlog.ini"), "[malt]\nhttp-socket = " + http.iniValue()
                + "\nservlet = dev.malt.samples.ProbeServlet\nclasspath = " + Tools.samplesJar() + "\nlogto = "
                + ownLog + "\n");
        layout.app("escape", "logto = " + link.resolve("escape.log") + "\n");

        try (MaltProcess emperor = layout.start()) {
            awaitServing(emperor, "ownlog");
            Wait.until(UP, () -> read(ownLog).contains("[ownlog master]"), () -> "no master line in " + ownLog
                    + ":\n" + read(ownLog));
            assertEquals(uid, Users.ownerOf(ownLog), "the log is created by the app's user");
            // logrotate moves it away and asks for a reopen: the user's helper makes a new one.
            Path rotated = Files.move(ownLog, ownLog.resolveSibling("own.log.1"));
            emperor.signal("USR1");
            emperor.awaitOutput("log files reopened", UP);
            assertEquals(200, dev.malt.integration.support.RawHttp.get("/pid").send(http).status());
            Wait.until(UP, () -> read(ownLog).contains("GET /pid"), () -> "no request line in the new " + ownLog
                    + ":\n" + read(ownLog) + "\nthe rotated one:\n" + read(rotated));
            assertEquals(uid, Users.ownerOf(ownLog), "the reopened log is created by the app's user too");

            Path escaped = layout.rootdir().resolve("escape.log");
            Wait.until(UP, () -> Files.exists(escaped) || !lastError(emperor, "escape").isEmpty(),
                    () -> "app escape neither failed nor wrote its log: " + emperor.appStatus("escape"));
            assertFalse(Files.exists(escaped), "root wrote the app's log into a directory only root may write");
            assertTrue(lastError(emperor, "escape").contains("escape.log"), () -> lastError(emperor, "escape"));
        }
    }

    @Test
    void socketsAreBoundAndRemovedAsTheAppsUser() throws Exception {
        Layout layout = Layout.create("tyrant-sockets");
        Path link = layout.linkToRootdir();
        Path run = Files.createDirectories(layout.home().resolve("run"));
        Users.chown(run, USER);
        Path own = run.resolve("own.sock");
        layout.userFile(layout.enabled().resolve("own.ini"), "[malt]\nsocket = " + own + "\nchmod-socket = 660\n"
                + "servlet = dev.malt.samples.ProbeServlet\nclasspath = " + Tools.samplesJar() + "\n");
        layout.app("escape", "socket = " + link.resolve("escape.sock") + "\n");
        layout.app("giveaway", "socket = " + run.resolve("give.sock") + "\nchown-socket = root:root\n");

        try (MaltProcess emperor = layout.start()) {
            awaitServing(emperor, "own");
            assertTrue(RawUwsgi.answersPing(Endpoint.unix(own), MaltProcess.START_TIMEOUT));
            assertEquals(uid, Users.ownerOf(own), "the socket is bound by the app's user");
            assertEquals(0660, Users.modeOf(own));

            Path escaped = layout.rootdir().resolve("escape.sock");
            Wait.until(UP, () -> Files.exists(escaped, LinkOption.NOFOLLOW_LINKS) || !lastError(emperor, "escape").isEmpty(),
                    () -> "app escape neither failed nor bound: " + emperor.appStatus("escape"));
            assertFalse(Files.exists(escaped, LinkOption.NOFOLLOW_LINKS),
                    "root bound the app's socket in a directory only root may write");
            assertTrue(lastError(emperor, "escape").contains("permission denied"), () -> lastError(emperor, "escape"));

            Wait.until(UP, () -> !lastError(emperor, "giveaway").isEmpty()
                            || !emperor.readyWorkersOf("giveaway").isEmpty(),
                    () -> "app giveaway never settled: " + emperor.appStatus("giveaway"));
            assertTrue(lastError(emperor, "giveaway").contains("chown-socket"), () -> "the user gave a socket to "
                    + "root: " + emperor.appStatus("giveaway"));

            // The user swaps the socket's directory for a link to root's; stopping the app must not delete there.
            Path bait = Files.writeString(layout.rootdir().resolve("own.sock"), "root's file\n");
            Files.move(run, layout.home().resolve("run.moved"));
            Users.chown(Files.createSymbolicLink(run, layout.rootdir()), USER);
            Files.delete(layout.enabled().resolve("own.ini"));
            Wait.until(UP, () -> emperor.appStatus("own").isEmpty(),
                    () -> "app own still runs after its INI was removed: " + emperor.appStatus("own"));
            assertTrue(Files.exists(bait), "root removed a file the app's user cannot remove");
        }
    }

    @Test
    void includesAreReadAsTheAppsUserAndErrorsQuoteNoFile() throws Exception {
        Layout layout = Layout.create("tyrant-includes");
        Path secret = Files.writeString(layout.rootdir().resolve("secret.ini"),
                "[malt]\nenv = SECRET=TOPSECRET-ENV\nTOPSECRET-LINE: not an option\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        layout.app("include", "ini = " + secret + "\n");
        // A link of the user's, named in apps-enabled, to a file of root's: not a root-owned INI.
        Path bait = Files.createSymbolicLink(layout.home().resolve("bait.ini"), secret);
        Users.chown(bait, USER);
        Files.createSymbolicLink(layout.enabled().resolve("linked.ini"), bait);
        // An include the user may read works as always.
        Path common = layout.userFile(layout.home().resolve("common.ini"),
                "[malt]\nservlet = dev.malt.samples.ProbeServlet\nclasspath = " + Tools.samplesJar() + "\n");
        layout.userFile(layout.enabled().resolve("ok.ini"), "[malt]\nhttp-socket = " + Endpoint.freeTcp().iniValue()
                + "\nini = " + common + "\n");
        // The emperor's environment is root's, not the app's.
        layout.app("environment", "env = LEAK=$(MALT_TYRANT_SECRET)\n");
        Endpoint stats = Endpoint.freeTcp();

        try (MaltProcess emperor = layout.builder().through(List.of("env", "MALT_TYRANT_SECRET=TOPSECRET-VAR"))
                .emperor(layout.enabled()).args("--emperor-tyrant", "--stats", stats.iniValue()).startUnready()) {
            awaitServing(emperor, "ok");
            for (String app : List.of("include", "linked", "environment")) {
                awaitSettled(emperor, app);
            }
            String document = readAll(stats);
            for (Object vassal : (List<?>) Json.parseObject(document).get("vassals")) {
                String lastError = String.valueOf(((Map<?, ?>) vassal).get("last_error"));
                assertFalse(lastError.contains("TOPSECRET"), () -> "stats quote a file the user may not read: "
                        + lastError);
            }
            for (ProcessHandle worker : emperor.children()) {
                String environ = read(Path.of("/proc/" + worker.pid() + "/environ"));
                assertFalse(environ.contains("TOPSECRET"), "a worker got root's environment: " + worker.pid());
            }
            for (String app : List.of("include", "linked", "environment")) {
                assertEquals("broken", emperor.appStatus(app).get("state"), () -> app + ": " + emperor.appStatus(app));
            }
            emperor.awaitOutputLine(Duration.ofSeconds(10), "secret.ini", "permission denied");
        }
    }

    @Test
    void chdirAndTouchFilesAreSeenAsTheAppsUser() throws Exception {
        Layout layout = Layout.create("tyrant-paths");
        Path inner = layout.vault().resolve("inner");
        // The JVM reads @argfiles relative to its directory, before any Malt code runs: a way to read root's files.
        Files.writeString(inner.resolve("argfile"), "-XX:+TOPSECRETFLAG\n");
        layout.app("cwd", "chdir = " + inner + "\njvm-options = @argfile\n");
        Path hidden = Files.writeString(inner.resolve("flag"), "");
        Path hiddenToo = Files.writeString(inner.resolve("flag2"), "");
        Path link = Files.createSymbolicLink(layout.home().resolve("flaglink"), hiddenToo);
        Users.chown(link, USER);
        Path own = layout.userFile(layout.home().resolve("flag"), "");
        layout.app("touch", "touch-reload = " + hidden + "\ntouch-reload = " + link + "\ntouch-reload = " + own + "\n");

        try (MaltProcess emperor = layout.start()) {
            awaitServing(emperor, "touch");
            List<Long> before = emperor.readyWorkersOf("touch");
            FileTime later = FileTime.from(Instant.now().plusSeconds(3600));
            Files.setLastModifiedTime(hidden, later);
            Files.setLastModifiedTime(hiddenToo, later);
            Files.setLastModifiedTime(own, later);
            Wait.until(UP, () -> {
                List<Long> now = emperor.readyWorkersOf("touch");
                return !now.isEmpty() && now.stream().noneMatch(before::contains);
            }, () -> "touching " + own + " did not reload the app: " + emperor.appStatus("touch"));
            assertTrue(emperor.output().lines().anyMatch(l -> l.contains(own + " was touched")), emperor::output);
            assertFalse(emperor.output().lines().anyMatch(l -> l.contains(hidden + " was touched")),
                    "root watched a file the app's user cannot see");
            assertFalse(emperor.output().lines().anyMatch(l -> l.contains(link + " was touched")),
                    "root followed the user's link to a file the user cannot see");

            Wait.until(UP, () -> emperor.output().contains("TOPSECRETFLAG")
                            || emperor.output().contains("cannot change directory to '" + inner + "'"),
                    () -> "app cwd neither started nor failed: " + emperor.appStatus("cwd"));
            assertFalse(emperor.output().contains("TOPSECRETFLAG"), "a worker of " + USER + " started in " + inner
                    + ", which only root can reach, and read a file there");
        }
    }

    @Test
    void anotherUsersStateDirectoryIsNotHandedOver() throws Exception {
        int other = Users.ensureUser(OTHER_USER);
        Path state = Path.of("/var/lib/malt/tyrant-victim");
        deleteTree(state);
        Files.createDirectories(state);
        Path data = Files.writeString(state.resolve("sessions.db"), "the other user's data\n");
        Users.chown(state, OTHER_USER);
        Users.chown(data, OTHER_USER);
        Layout layout = Layout.create("tyrant-state");
        layout.app("thief", "name = tyrant-victim\n");

        try (MaltProcess emperor = layout.start()) {
            Wait.until(UP, () -> emperor.output().contains("the state directory " + state),
                    () -> "the emperor never said what it did with " + state + ":\n" + emperor.outputTail(40));
            assertEquals(other, Users.ownerOf(state), "one user's state directory was given to another");
            assertEquals(other, Users.ownerOf(data));
        } finally {
            deleteTree(state);
        }
    }

    @Test
    void theClassCacheIsWrittenByTheAppsUserWhereTheyMayWriteOnly() throws Exception {
        Layout layout = Layout.create("tyrant-cache");
        Path state = layout.home().resolve("state");
        Path inner = layout.vault().resolve("inner");
        layout.app("cached", "state-dir = " + state + "\n");
        layout.app("sneaky", "state-dir = " + inner + "\n");

        try (MaltProcess emperor = layout.start()) {
            awaitServing(emperor, "cached");
            Path directory = state.resolve("class-cache");
            Wait.until(Duration.ofSeconds(120), () -> emperor.output().contains("wrote the app's class cache "
                    + directory), () -> "no class cache was written; last lines:\n" + emperor.outputTail(30));
            Path cache;
            try (var files = Files.list(directory)) {
                cache = files.filter(f -> f.toString().endsWith(".jsa")).findFirst().orElseThrow();
            }
            assertEquals(uid, Users.ownerOf(directory), "the directory is made by the app's user");
            assertEquals(uid, Users.ownerOf(cache), "the cache is written by the app's user");
            // The worker that wrote it is replaced by one that starts from it.
            Wait.until(UP, () -> emperor.readyWorkersOf("cached").stream().anyMatch(pid -> startsFrom(pid, cache)),
                    () -> "no worker of cached started from " + cache + ": " + emperor.appStatus("cached"));

            awaitSettled(emperor, "sneaky");
            assertFalse(Files.exists(inner.resolve("class-cache")), "something wrote in " + inner
                    + ", which only root can reach");
        }
    }

    private static boolean startsFrom(long pid, Path cache) {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return List.of(cmdline.split("\0")).contains("-XX:SharedArchiveFile=" + cache);
        } catch (IOException e) {
            return false;
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void awaitServing(MaltProcess emperor, String app) {
        Wait.until(UP, Duration.ofMillis(100), () -> !emperor.readyWorkersOf(app).isEmpty(),
                () -> app + " never had a ready worker: " + emperor.appStatus(app) + "\nlast lines:\n"
                        + emperor.outputTail(30));
    }

    /** Until the app runs, or has failed to. */
    private static void awaitSettled(MaltProcess emperor, String app) {
        Wait.until(UP, Duration.ofMillis(100), () -> !emperor.readyWorkersOf(app).isEmpty()
                        || List.of("broken", "throttled").contains(emperor.appStatus(app).get("state")),
                () -> app + " never settled: " + emperor.appStatus(app) + "\nlast lines:\n" + emperor.outputTail(30));
    }

    private static String lastError(MaltProcess emperor, String app) {
        Object error = emperor.appStatus(app).get("lastError");
        return error == null ? "" : error.toString();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String readAll(Endpoint tcp) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(tcp.host(), tcp.port())) {
            socket.setSoTimeout(10_000);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void deleteTree(Path dir) {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Users.run("rm", "-rf", "--", dir.toString());
        }
    }
}
