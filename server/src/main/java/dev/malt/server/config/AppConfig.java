package dev.malt.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A loaded, validated configuration: every option value with the place it was set, in the order read (INI file,
 * its includes where they stand, then the command line). Immutable. For scalar options the last value wins;
 * list options keep every value in order. Relative paths resolve against {@link #baseDir()}.
 *
 * <p>Generic accessors take any option name or alias; an unknown name is a programming error
 * ({@link IllegalArgumentException}).
 */
public final class AppConfig {

    private static final String DEFAULT_APP_NAME = "malt";

    private final List<Setting> settings;
    private final Path iniFile;
    private final Path iniDir;
    private final Path workingDir;

    /**
     * @param iniFile    the INI file as given, made absolute; null without one
     * @param iniDir     the directory the INI file really is in (symlinks resolved); null without one
     * @param workingDir the directory malt was started in
     */
    AppConfig(List<Setting> settings, Path iniFile, Path iniDir, Path workingDir) {
        this.settings = List.copyOf(settings);
        this.iniFile = iniFile;
        this.iniDir = iniDir;
        this.workingDir = Objects.requireNonNull(workingDir, "workingDir");
    }

    // ---- generic accessors

    /** The last value set, else the default; empty when neither exists. For a list option: its last value. */
    public Optional<String> string(String name) {
        Option option = Option.require(name);
        Setting last = last(option);
        return last != null ? Optional.of(last.value()) : option.defaultValue();
    }

    /** A whole-number option ({@code workers}, {@code buffer-size}...). */
    public int integer(String name) {
        Option option = Option.require(name);
        if (!option.type().integral) {
            throw new IllegalArgumentException("'" + name + "' is not a number option");
        }
        return Integer.parseInt(string(name).orElseThrow(() -> new IllegalArgumentException("'" + name + "' has no value")));
    }

    /** An on/off option ({@code vacuum}...); false when unset and without a default. */
    public boolean bool(String name) {
        Option option = Option.require(name);
        if (!option.type().isFlag()) {
            throw new IllegalArgumentException("'" + name + "' is not an on/off option");
        }
        return string(name).map(Boolean::parseBoolean).orElse(false);
    }

    /** Every value set, in order (for a scalar option: its history, last one in effect). */
    public List<String> list(String name) {
        Option option = Option.require(name);
        return settings.stream().filter(s -> s.option() == option).map(Setting::value).toList();
    }

    public boolean isSet(String name) {
        return last(Option.require(name)) != null;
    }

    /** Where the value in effect (for lists: the last one) was set: {@code shop.ini:7}, {@code command line} or {@code default}. */
    public String source(String name) {
        Setting last = last(Option.require(name));
        return last == null ? "default" : last.source().toString();
    }

    // ---- application

    /** {@code name}, else the INI file's name without extension, else {@code malt}. */
    public String appName() {
        return string("name").orElseGet(() -> {
            if (iniFile == null) {
                return DEFAULT_APP_NAME;
            }
            String file = iniFile.getFileName().toString();
            int dot = file.lastIndexOf('.');
            return dot > 0 ? file.substring(0, dot) : file;
        });
    }

    public Optional<String> servletClass() {
        return string("servlet");
    }

    /**
     * Classpath entries in order: each value split on ':', made absolute against {@link #baseDir()}. Globs
     * ({@code lib/*.jar}) are kept for the servlet host to expand.
     */
    public List<String> classpath() {
        List<String> entries = new ArrayList<>();
        for (String value : list("classpath")) {
            for (String part : value.split(":")) {
                if (!part.isBlank()) {
                    entries.add(baseDir().resolve(part.strip()).normalize().toString());
                }
            }
        }
        return List.copyOf(entries);
    }

    public List<Path> wars() {
        return paths("war");
    }

    /**
     * A {@code mount = /PATH=TARGET}: a WAR (file or directory) at a context path.
     *
     * @param contextPath {@code ""} for {@code /}, else {@code /PATH} without a trailing slash
     * @param target      the WAR, absolute
     */
    public record Mount(String contextPath, Path target) {

        static Mount parse(String value, Path baseDir) {
            int eq = value.indexOf('=');
            String path = value.substring(0, eq).trim();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return new Mount(path, baseDir.resolve(value.substring(eq + 1).trim()).normalize());
        }
    }

    public List<Mount> mounts() {
        return list("mount").stream().map(v -> Mount.parse(v, baseDir())).toList();
    }

    /**
     * A {@code static-map = /URL=TARGET}: files of a directory (or one file) served at a URL path.
     *
     * @param prefix the URL path as written, e.g. {@code /static} or {@code /static/}
     * @param target the directory or file, absolute
     */
    public record StaticMap(String prefix, Path target) {

        static StaticMap parse(String value, Path baseDir) {
            int eq = value.indexOf('=');
            return new StaticMap(value.substring(0, eq).strip(), baseDir.resolve(value.substring(eq + 1).strip()).normalize());
        }
    }

    /** {@code static-map} values in order: the first mapping that has the file serves it. */
    public List<StaticMap> staticMaps() {
        return list("static-map").stream().map(v -> StaticMap.parse(v, baseDir())).toList();
    }

    /** A {@code static-expires} rule: files (or URIs) matching {@code pattern} may be cached {@code seconds}. */
    public record ExpiresRule(java.util.regex.Pattern pattern, int seconds) {

        static ExpiresRule parse(String normalized) {
            int space = normalized.lastIndexOf(' ');
            return new ExpiresRule(java.util.regex.Pattern.compile(normalized.substring(0, space)),
                    Integer.parseInt(normalized.substring(space + 1)));
        }
    }

    /** {@code static-expires}: rules on the served file's real path, in order. */
    public List<ExpiresRule> staticExpires() {
        return list("static-expires").stream().map(ExpiresRule::parse).toList();
    }

    /** {@code static-expires-uri}: rules on the request URI, in order. */
    public List<ExpiresRule> staticExpiresUri() {
        return list("static-expires-uri").stream().map(ExpiresRule::parse).toList();
    }

    /**
     * Where the app keeps files that outlive a worker (unpacked WARs): {@code state-dir}; else
     * {@code /var/lib/malt/NAME} when it exists or can be created; else {@code .malt/NAME} beside the INI
     * file (or in the app's directory without one).
     */
    public Path stateDir() {
        Optional<String> configured = string("state-dir");
        if (configured.isPresent()) {
            return baseDir().resolve(configured.get()).normalize();
        }
        Path system = Path.of("/var/lib/malt");
        Path own = system.resolve(appName());
        if (java.nio.file.Files.isDirectory(own) && java.nio.file.Files.isWritable(own)) {
            return own;
        }
        if (java.nio.file.Files.isDirectory(system) && java.nio.file.Files.isWritable(system)) {
            return own;
        }
        Path beside = iniDir != null ? iniDir : baseDir();
        return beside.resolve(".malt").resolve(appName());
    }

    /** The settings of one option, in order, with where each was made. */
    List<Setting> settingsOf(String name) {
        Option option = Option.require(name);
        return settings.stream().filter(s -> s.option() == option).toList();
    }

    /** {@code chdir}, else the INI file's directory, else the working directory; always absolute. */
    public Path baseDir() {
        Path beforeChdir = iniDir != null ? iniDir : workingDir;
        return string("chdir").map(dir -> beforeChdir.resolve(dir).normalize()).orElse(beforeChdir);
    }

    /** {@code env} values in the order first set; a key set again takes its last value. */
    public Map<String, String> env() {
        return keyValues("env");
    }

    /** {@code auth-user-file}: the htpasswd file of the app's users, absolute. */
    public Optional<Path> authUserFile() {
        return path("auth-user-file");
    }

    /** {@code auth-group-file}: the group file that gives the users their roles, absolute. */
    public Optional<Path> authGroupFile() {
        return path("auth-group-file");
    }

    public Map<String, String> initParams() {
        return keyValues("init-param");
    }

    /** {@code locale-encoding} values: locale (as {@code ja} or {@code ja_JP}) to charset. */
    public Map<String, String> localeEncodings() {
        return keyValues("locale-encoding");
    }

    /** {@code session-store}: {@code file}, {@code memory}, or a {@code redis://} or {@code rediss://} URL. */
    public String sessionStore() {
        return string("session-store").orElseThrow();
    }

    /** {@code max-sessions}: live sessions per context. */
    public int maxSessions() {
        return integer("max-sessions");
    }

    /** {@code session-max-size}: the largest serialized session, in bytes. */
    public int sessionMaxSize() {
        return integer("session-max-size");
    }

    /** {@code session-sweep}: seconds between looks for expired sessions. */
    public int sessionSweepSeconds() {
        return integer("session-sweep");
    }

    public ThreadsSetting threads() {
        return ThreadsSetting.parse(string("threads").orElseThrow());
    }

    // ---- sockets

    /** {@code socket} and {@code http-socket} values in the order set; relative unix paths made absolute. */
    public List<ListenSpec> sockets() {
        List<ListenSpec> sockets = new ArrayList<>();
        for (Setting s : settings) {
            if (s.option() == Option.SOCKET || s.option() == Option.HTTP_SOCKET) {
                ListenSpec.Kind kind = s.option() == Option.SOCKET ? ListenSpec.Kind.UWSGI : ListenSpec.Kind.HTTP;
                sockets.add(new ListenSpec(kind, ListenAddress.parse(s.value()).resolveAgainst(baseDir())));
            }
        }
        return List.copyOf(sockets);
    }

    public int bufferSize() {
        return integer("buffer-size");
    }

    public int maxVars() {
        return integer("max-vars");
    }

    /**
     * {@code socket-timeout}: how long a request head may take to arrive, a read waits between body bytes,
     * and a response write waits for a client that does not read.
     */
    public int socketTimeoutSeconds() {
        return integer("socket-timeout");
    }

    /** {@code max-connections}: open connections at which a worker stops accepting. */
    public int maxConnections() {
        return integer("max-connections");
    }

    public int listenBacklog() {
        return integer("listen");
    }

    /** Mode for unix sockets, e.g. {@code 0660}; empty means the umask's choice, minus every bit for others. */
    public Optional<Integer> chmodSocket() {
        return string("chmod-socket").map(mode -> Integer.parseInt(mode, 8));
    }

    public Optional<String> chownSocket() {
        return string("chown-socket");
    }

    public Optional<ListenAddress> stats() {
        return string("stats").map(a -> ListenAddress.parse(a).resolveAgainst(baseDir()));
    }

    /** Where to serve Prometheus metrics ({@code metrics}); empty when nowhere. */
    public Optional<ListenAddress> metrics() {
        return string("metrics").map(a -> ListenAddress.parse(a).resolveAgainst(baseDir()));
    }

    /** Whether workers keep Micrometer meters and report them ({@code metrics-enabled}, on by default). */
    public boolean metricsEnabled() {
        return bool("metrics-enabled");
    }

    // ---- processes

    public int workers() {
        return integer("workers");
    }

    public int harakiriSeconds() {
        return integer("harakiri");
    }

    public int maxRequests() {
        return integer("max-requests");
    }

    public int reloadOnRssMb() {
        return integer("reload-on-rss");
    }

    public int workerReloadMercySeconds() {
        return integer("worker-reload-mercy");
    }

    public int reloadMercySeconds() {
        return integer("reload-mercy");
    }

    public List<Path> touchReload() {
        return paths("touch-reload");
    }

    public List<Path> touchChainReload() {
        return paths("touch-chain-reload");
    }

    public Optional<Path> pidfile() {
        return path("pidfile");
    }

    public boolean vacuum() {
        return bool("vacuum");
    }

    public Optional<String> uid() {
        return string("uid");
    }

    public Optional<String> gid() {
        return string("gid");
    }

    public Optional<Path> javaHome() {
        return path("java-home");
    }

    /** Worker JVM flags: every {@code jvm-options} value split at spaces (no quoting). */
    public List<String> jvmOptions() {
        return list("jvm-options").stream()
                .flatMap(v -> Arrays.stream(v.strip().split("\\s+")))
                .filter(flag -> !flag.isEmpty())
                .toList();
    }

    /** {@code class-cache}: whether workers make and start from a class cache (see dev.malt.server.classcache). */
    public boolean classCacheEnabled() {
        return !"off".equals(string("class-cache").orElse("auto"));
    }

    /** Worker heap as {@code -Xmx} takes it: {@code 512m}. */
    public Optional<String> heap() {
        return string("heap");
    }

    // ---- logging and emperor

    public Optional<Path> logto() {
        return path("logto");
    }

    public boolean disableLogging() {
        return bool("disable-logging");
    }

    /** The directory of app INI files when running as emperor. */
    public Optional<Path> emperor() {
        return path("emperor");
    }

    // ---- files

    /** The INI file as given to malt (absolute, symlinks kept); empty when started from the command line only. */
    public Optional<Path> iniFile() {
        return Optional.ofNullable(iniFile);
    }

    // ---- transport to workers

    /** A text form of this configuration for a worker JVM; {@link #decode(String)} turns it back. */
    public String encode() {
        return ConfigCodec.encode(settings, iniFile, iniDir, workingDir);
    }

    /** Inverse of {@link #encode()}; no substitution, validation or file access happens again. */
    public static AppConfig decode(String encoded) {
        return ConfigCodec.decode(encoded);
    }

    // ---- helpers

    private Setting last(Option option) {
        for (int i = settings.size() - 1; i >= 0; i--) {
            if (settings.get(i).option() == option) {
                return settings.get(i);
            }
        }
        return null;
    }

    private Optional<Path> path(String name) {
        return string(name).map(p -> baseDir().resolve(p).normalize());
    }

    private List<Path> paths(String name) {
        return list(name).stream().map(p -> baseDir().resolve(p).normalize()).toList();
    }

    private Map<String, String> keyValues(String name) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String kv : list(name)) {
            int eq = kv.indexOf('=');
            map.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppConfig other && settings.equals(other.settings) && Objects.equals(iniFile, other.iniFile)
                && Objects.equals(iniDir, other.iniDir) && workingDir.equals(other.workingDir);
    }

    @Override
    public int hashCode() {
        return Objects.hash(settings, iniFile, iniDir, workingDir);
    }

    /** One {@code name = value  (source)} per line, for logs and debugging. */
    @Override
    public String toString() {
        return settings.stream()
                .map(s -> s.option().name() + " = " + s.value() + "  (" + s.source() + ")")
                .collect(Collectors.joining("\n", "app " + appName() + "\n", ""));
    }
}
