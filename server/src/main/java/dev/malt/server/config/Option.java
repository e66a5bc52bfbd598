package dev.malt.server.config;

import static dev.malt.server.config.Option.Group.APP;
import static dev.malt.server.config.Option.Group.CONFIG;
import static dev.malt.server.config.Option.Group.EMPEROR;
import static dev.malt.server.config.Option.Group.LOGGING;
import static dev.malt.server.config.Option.Group.PROCESSES;
import static dev.malt.server.config.Option.Group.SOCKETS;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalogue of every option Malt understands, in INI files and as {@code --option value} on the command
 * line. Names follow uWSGI wherever uWSGI has the concept. The launcher builds its command line and
 * {@code --help} from {@link #all()}.
 */
public final class Option {

    /** Where an option shows up in {@code --help}, in this order. */
    public enum Group {
        SOCKETS("Sockets"),
        APP("Application"),
        PROCESSES("Processes, reloading and limits"),
        LOGGING("Logging"),
        EMPEROR("Emperor (many apps)"),
        CONFIG("Configuration files");

        private final String title;

        Group(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    private static final List<Option> ALL = new ArrayList<>();
    private static final Map<String, Option> BY_NAME = new HashMap<>();

    // Sockets
    static final Option SOCKET = list("socket", SOCKETS, ValueType.address(),
            "uwsgi-protocol socket for nginx's uwsgi_pass: host:port, :port (all interfaces), [::1]:port, or a unix"
                    + " socket path", "uwsgi-socket");
    static final Option HTTP_SOCKET = list("http-socket", SOCKETS, ValueType.address(),
            "plain HTTP/1.1 socket, same address syntax as 'socket'");
    static final Option CHMOD_SOCKET = scalar("chmod-socket", SOCKETS, ValueType.octalMode(), null,
            "mode of unix sockets, in octal (e.g. 660); the bare key means 666; unset, the umask's mode, never for"
                    + " others");
    static final Option CHOWN_SOCKET = scalar("chown-socket", SOCKETS, ValueType.text("USER[:GROUP]"), null,
            "owner of unix sockets");
    static final Option LISTEN = scalar("listen", SOCKETS, ValueType.integer(1, 65535), "100",
            "listen backlog: connections the kernel queues before they are accepted");
    static final Option BUFFER_SIZE = scalar("buffer-size", SOCKETS, ValueType.bytes(1, 65535), "65535",
            "largest request header block (uwsgi vars) in bytes; a larger one gets 431");
    static final Option MAX_VARS = scalar("max-vars", SOCKETS, ValueType.integer(1, 65535), "1000",
            "most uwsgi vars (headers and CGI variables) in one request");
    static final Option SOCKET_TIMEOUT = scalar("socket-timeout", SOCKETS, ValueType.integer(1, 86400), "60",
            "seconds a connection may take to send a whole request head, or wait between body bytes, and a response"
                    + " write may wait for a client that does not read, before the connection is closed");
    // Robustness (issue #12, part B): a cap on a worker's connections
    static final Option MAX_CONNECTIONS = scalar("max-connections", SOCKETS, ValueType.integer(1, 1_000_000), "10000",
            "open connections per worker at which it stops accepting; more wait in the listen queue for any worker"
                    + " (lowered to fit the worker's descriptor limit)");
    static final Option STATS = scalar("stats", SOCKETS, ValueType.address(), null,
            "serve stats as JSON on this address (TCP or unix)");
    // Metrics (issue #11): a Prometheus endpoint, and the workers' Micrometer meters behind it
    static final Option METRICS = scalar("metrics", SOCKETS, ValueType.address(), null,
            "serve Prometheus metrics (GET /metrics) on this address (TCP or unix); the emperor's covers every app");
    static final Option METRICS_ENABLED = scalar("metrics-enabled", SOCKETS, ValueType.flag(), "true",
            "keep Micrometer meters in each worker (requests by status, latency histogram, threads, traffic, JVM);"
                    + " false saves their cost per request and leaves only what the master counts");

    // Application
    static final Option NAME = scalar("name", APP, ValueType.appName(), null,
            "app name, used in socket, log and data paths; default: the INI file name without extension, else malt");
    static final Option SERVLET = scalar("servlet", APP, ValueType.className(), null,
            "fully qualified class name of the servlet to run");
    static final Option CLASSPATH = list("classpath", APP, ValueType.text("PATH[:PATH...]"),
            "jars and class directories for the servlet; globs allowed (lib/*.jar); relative to chdir, else to the"
                    + " INI file's directory");
    static final Option WAR = list("war", APP, ValueType.text("FILE"),
            "a WAR file or exploded WAR directory to deploy at the root (/)");
    static final Option MOUNT = list("mount", APP, ValueType.mountPoint(),
            "deploy a WAR file or directory at a URL path: /PATH=TARGET (repeatable; each its own context)");
    static final Option STATE_DIR = scalar("state-dir", APP, ValueType.text("DIR"), null,
            "where the app keeps unpacked WARs and other files; default /var/lib/malt/NAME when writable, else"
                    + " .malt/NAME beside the INI file");
    static final Option CHDIR = scalar("chdir", APP, ValueType.text("DIR"), null,
            "the app's directory; relative paths in other options resolve against it");
    static final Option ENV = list("env", APP, ValueType.keyValue(), "set an environment variable for workers");
    static final Option THREADS = scalar("threads", APP, ValueType.threads(), "8",
            "request threads per worker, or 'virtual' for a virtual thread per request (Java 21+)");
    static final Option INIT_PARAM = list("init-param", APP, ValueType.keyValue(), "servlet init parameter");
    static final Option LOCALE_ENCODING = list("locale-encoding", APP, ValueType.keyValue(),
            "charset that response.setLocale() picks for a locale, for apps whose web.xml maps none: LOCALE=CHARSET"
                    + " (e.g. ja=Shift_JIS)");
    // Static files (issue #8, static-files area): served by the worker's event loop, before the app
    static final Option STATIC_MAP = list("static-map", APP, ValueType.staticMap(),
            "serve the files of a directory at a URL path, before the app: /URL=DIR (or /URL=FILE); repeatable,"
                    + " the first mapping with the file wins, a request without one goes on to the app");
    static final Option STATIC_EXPIRES = list("static-expires", APP, ValueType.expiresRule(),
            "add Expires and Cache-Control: max-age=SECONDS to static-map files whose path matches REGEX:"
                    + " 'REGEX SECONDS' (repeatable, the first match wins)");
    static final Option STATIC_EXPIRES_URI = list("static-expires-uri", APP, ValueType.expiresRule(),
            "like static-expires, matching the request URI instead of the file's path: 'REGEX SECONDS'");
    static final Option AUTH_USER_FILE = scalar("auth-user-file", APP, ValueType.text("FILE"), null,
            "users and password hashes for the apps' BASIC and FORM logins, in htpasswd format ('htpasswd -B');"
                    + " re-read when it changes");
    static final Option AUTH_GROUP_FILE = scalar("auth-group-file", APP, ValueType.text("FILE"), null,
            "roles of the users, in Apache's AuthGroupFile format: 'role: user1 user2' per line; re-read when it"
                    + " changes");

    // Sessions (issue 8: HTTP sessions shared by the workers of an app)
    static final Option SESSION_STORE = scalar("session-store", APP, ValueType.sessionStore(), "file",
            "where HTTP sessions live: 'file' (the state directory, shared by the app's workers), 'memory' (each"
                    + " worker's own), or redis://[:PASSWORD@]HOST:PORT/DB (shared by several machines)");
    static final Option MAX_SESSIONS = scalar("max-sessions", APP, ValueType.integer(1, Integer.MAX_VALUE), "100000",
            "most live HTTP sessions per context; creating one more fails");
    static final Option SESSION_MAX_SIZE = scalar("session-max-size", APP, ValueType.bytes(1024, 512 * 1024 * 1024),
            "1048576", "largest serialized HTTP session in bytes (k, m allowed); a bigger one is not saved, and the"
                    + " log names the attribute");
    static final Option SESSION_SWEEP = scalar("session-sweep", APP, ValueType.integer(1, 3600), "60",
            "seconds between a worker's looks for expired HTTP sessions");

    // Response cache (issue #8, the cache's options; dev.malt.server.cache reads them)
    static final Option CACHE_ROUTE = list("cache-route", APP,
            ValueType.checked("REGEX TTL", dev.malt.server.cache.CacheRoute::normalize),
            "cache GET/HEAD responses whose REQUEST_URI matches REGEX for TTL seconds, shared by all workers; first"
                    + " match wins; add ignore-cookies / ignore-authorization to serve such requests from it too");
    static final Option CACHE_HONOR_CACHE_CONTROL = scalar("cache-honor-cache-control", APP, ValueType.flag(), "false",
            "let the app's Cache-Control s-maxage/max-age set the TTL, and opt in URIs that no cache-route covers");
    static final Option CACHE_STATUSES = scalar("cache-statuses", APP,
            ValueType.checked("STATUS[,STATUS...]", dev.malt.server.cache.CacheSettings::normalizeStatuses), "200",
            "response statuses the cache may store, e.g. 200,301,404");
    static final Option CACHE_SIZE = scalar("cache-size", APP, ValueType.bytes(64 * 1024, Integer.MAX_VALUE),
            "67108864", "most bytes the app's cache keeps in its master (64m); the least recently used go first");
    static final Option CACHE_MAX_ITEM_SIZE = scalar("cache-max-item-size", APP,
            ValueType.bytes(1024, Integer.MAX_VALUE), "1048576", "a larger response (head and body) is not cached (1m)");
    static final Option CACHE_LOCK_TIMEOUT = scalar("cache-lock-timeout", APP, ValueType.integer(0, 3600), "5",
            "seconds requests for an entry being filled wait for it before they go to the app themselves; 0 = no wait");
    static final Option CACHE_MAX_WAITERS = scalar("cache-max-waiters", APP, ValueType.integer(1, 1_000_000),
            "10000", "requests that may wait for entries being filled at once; more go to the app uncached");
    static final Option CACHE_BACKEND = scalar("cache-backend", APP,
            ValueType.checked("memory|redis://HOST:PORT/DB", dev.malt.server.cache.CacheSettings::normalizeBackend),
            "memory", "where cached responses live: memory (in the master) or a Redis shared with other hosts");

    // Processes
    static final Option WORKERS = scalar("workers", PROCESSES, ValueType.integer(1, 1024), "1",
            "number of worker JVMs", "processes");
    static final Option MASTER = scalar("master", PROCESSES, ValueType.flag(), "true",
            "accepted for uWSGI compatibility: Malt always runs a master");
    static final Option JAVA_HOME = scalar("java-home", PROCESSES, ValueType.text("DIR"), null,
            "JDK or JRE that runs the workers; default: the one running Malt");
    static final Option JVM_OPTIONS = list("jvm-options", PROCESSES, ValueType.text("FLAGS"),
            "extra worker JVM flags; one value may hold several, separated by spaces");
    static final Option HEAP = scalar("heap", PROCESSES, ValueType.memorySize(), null,
            "worker heap size (-Xmx), e.g. 512m or 2g");
    // Worker start-up (issue #10, lean-cds): parsed classes shared by an app's workers and reloads
    static final Option CLASS_CACHE = scalar("class-cache", PROCESSES,
            ValueType.checked("auto|off", dev.malt.server.classcache.CacheFormat::normalizeSetting), "auto",
            "auto: one worker writes a class cache to the state directory (an AOT cache on JDK 25+, else an AppCDS"
                    + " archive) and later workers and reloads start from it; off: none");
    static final Option HARAKIRI = scalar("harakiri", PROCESSES, ValueType.integer(0, Integer.MAX_VALUE), "0",
            "recycle a worker whose request runs longer than this many seconds; 0 = off");
    static final Option MAX_REQUESTS = scalar("max-requests", PROCESSES, ValueType.integer(0, Integer.MAX_VALUE), "0",
            "recycle a worker after this many requests; 0 = off");
    static final Option RELOAD_ON_RSS = scalar("reload-on-rss", PROCESSES, ValueType.integer(0, Integer.MAX_VALUE), "0",
            "recycle a worker whose resident memory exceeds this many MB; 0 = off");
    static final Option WORKER_RELOAD_MERCY = scalar("worker-reload-mercy", PROCESSES,
            ValueType.integer(0, Integer.MAX_VALUE), "60",
            "seconds a recycled worker may take to finish its requests before it is killed");
    static final Option RELOAD_MERCY = scalar("reload-mercy", PROCESSES, ValueType.integer(0, Integer.MAX_VALUE), "60",
            "seconds workers may take to finish their requests on reload or shutdown before they are killed");
    static final Option TOUCH_RELOAD = list("touch-reload", PROCESSES, ValueType.text("FILE"),
            "reload all workers when this file is touched");
    static final Option TOUCH_CHAIN_RELOAD = list("touch-chain-reload", PROCESSES, ValueType.text("FILE"),
            "replace workers one by one when this file is touched");
    static final Option PIDFILE = scalar("pidfile", PROCESSES, ValueType.text("FILE"), null,
            "write the master's pid to this file");
    static final Option VACUUM = scalar("vacuum", PROCESSES, ValueType.flag(), "false",
            "remove unix sockets and the pidfile on exit");
    static final Option UID = scalar("uid", PROCESSES, ValueType.text("USER"), null, "run workers as this user");
    static final Option GID = scalar("gid", PROCESSES, ValueType.text("GROUP"), null, "run workers as this group");
    static final Option DIE_ON_TERM = scalar("die-on-term", PROCESSES, ValueType.flag(), "true",
            "accepted for uWSGI compatibility: Malt always shuts down gracefully on SIGTERM");
    static final Option STRICT = scalar("strict", PROCESSES, ValueType.flag(), "true",
            "accepted for uWSGI compatibility: Malt always rejects unknown options");
    static final Option ENABLE_THREADS = scalar("enable-threads", PROCESSES, ValueType.flag(), "true",
            "accepted for uWSGI compatibility: Malt workers always run threads");

    // Logging
    static final Option LOGTO = scalar("logto", LOGGING, ValueType.text("FILE"), null,
            "log to this file instead of standard error; reopened for logrotate");
    static final Option DISABLE_LOGGING = scalar("disable-logging", LOGGING, ValueType.flag(), "false",
            "do not log a line per request");

    // Emperor
    /** Where the Debian layout keeps enabled apps; what a bare {@code --emperor} watches. */
    public static final String DEFAULT_EMPEROR_DIR = "/etc/malt/apps-enabled";

    static final Option EMPEROR_DIR = scalar("emperor", EMPEROR, ValueType.textOrDefault("DIR", DEFAULT_EMPEROR_DIR),
            null, "run every app whose INI file is in this directory; alone: " + DEFAULT_EMPEROR_DIR);
    static final Option EMPEROR_TYRANT = scalar("emperor-tyrant", EMPEROR, ValueType.flag(), "false",
            "run each app as the owner of its INI file");
    static final Option EMPEROR_LOGDIR = scalar("emperor-logdir", EMPEROR, ValueType.text("DIR"), null,
            "directory for per-app logs (NAME.log)");

    // Configuration files
    static final Option INI = list("ini", CONFIG, ValueType.text("FILE[:SECTION]"),
            "read options from an INI file; 'file.ini:section' picks a section, ':section' one of this file");
    static final Option SET_PLACEHOLDER = list("set-placeholder", CONFIG, ValueType.keyValue(),
            "define a placeholder for %(NAME): NAME=VALUE", "set-ph");

    private final String name;
    private final List<String> aliases;
    private final Group group;
    private final ValueType type;
    private final boolean list;
    private final String defaultValue;
    private final String help;

    private Option(String name, List<String> aliases, Group group, ValueType type, boolean list,
                   String defaultValue, String help) {
        this.name = name;
        this.aliases = aliases;
        this.group = group;
        this.type = type;
        this.list = list;
        this.defaultValue = defaultValue;
        this.help = help;
    }

    private static Option scalar(String name, Group group, ValueType type, String defaultValue, String help,
                                 String... aliases) {
        return register(new Option(name, List.of(aliases), group, type, false, defaultValue, help));
    }

    private static Option list(String name, Group group, ValueType type, String help, String... aliases) {
        return register(new Option(name, List.of(aliases), group, type, true, null, help));
    }

    private static Option register(Option option) {
        ALL.add(option);
        for (String n : option.names()) {
            if (BY_NAME.put(n, option) != null) {
                throw new IllegalStateException("option name used twice: " + n);
            }
        }
        return option;
    }

    /** Every option, grouped as in {@code --help}. */
    public static List<Option> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** Looks up a name or alias, exactly as written (option names are case-sensitive, as in uWSGI). */
    public static Optional<Option> find(String nameOrAlias) {
        return Optional.ofNullable(BY_NAME.get(nameOrAlias));
    }

    static Option require(String nameOrAlias) {
        return find(nameOrAlias).orElseThrow(() -> new IllegalArgumentException("no option named '" + nameOrAlias + "'"));
    }

    /** The uWSGI-style name: {@code workers}. On the command line: {@code --workers}. */
    public String name() {
        return name;
    }

    /** Other accepted names: {@code processes} for {@code workers}. */
    public List<String> aliases() {
        return aliases;
    }

    /** The name followed by the aliases. */
    public List<String> names() {
        List<String> names = new ArrayList<>(aliases.size() + 1);
        names.add(name);
        names.addAll(aliases);
        return names;
    }

    public Group group() {
        return group;
    }

    /** One line for {@code --help}. */
    public String help() {
        return help;
    }

    /** True when repeating the option adds values ({@code socket}, {@code env}); false when the last one wins. */
    public boolean isList() {
        return list;
    }

    /** False for on/off switches: {@code --vacuum} alone means true, {@code --vacuum false} is also accepted. */
    public boolean takesValue() {
        return !type.isFlag();
    }

    /** True when the option may also be given without a value: switches, and {@code chmod-socket} (666). */
    public boolean valueOptional() {
        return type.bareValue != null;
    }

    /** Placeholder for the value in help: {@code N}, {@code ADDRESS}, {@code SIZE}, {@code FILE}... */
    public String valueLabel() {
        return type.label;
    }

    /** The value used when the option is not set, as text; empty when there is none. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    ValueType type() {
        return type;
    }

    @Override
    public String toString() {
        return name;
    }
}
