package dev.malt.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Loads an app's configuration: an INI file (optional) and then the command line, checked against the
 * {@link Option} catalogue. Either everything is valid and an {@link AppConfig} comes back, or a
 * {@link ConfigException} lists every problem found.
 *
 * <p>Rules, as in uWSGI unless noted:
 * <ul>
 *   <li>The {@code [malt]} section is read; when a file has no {@code [malt]}, its {@code [uwsgi]} section is
 *       read instead (never both). Lines before the first section are ignored.</li>
 *   <li>{@code ini = other.ini[:section]} reads another file right there; a relative path starts from the
 *       including file's directory (uWSGI: from the working directory). {@code ini = :section} reads another
 *       section of the same file. Loops are errors.</li>
 *   <li>Command-line values come after the file: a scalar given there overrides, a list value is added.</li>
 *   <li>An unknown key is an error, unless some value uses it as {@code %(key)}: then it is a placeholder of
 *       the operator's own.</li>
 *   <li>A configuration that sets {@code emperor} is a supervisor's, not an app's, so it needs no socket and no
 *       servlet; any other needs both.</li>
 * </ul>
 */
public final class ConfigLoader {

    private final Map<String, String> environment;
    private final Path workingDir;
    private final HostInfo host;
    private final IniFiles files;

    /** Reads this process's environment; relative paths start from the current directory. */
    public ConfigLoader() {
        this(System.getenv(), Path.of("").toAbsolutePath());
    }

    /** With a given environment (for {@code $(NAME)}) and working directory. */
    public ConfigLoader(Map<String, String> environment, Path workingDir) {
        this(environment, workingDir, HostInfo.system());
    }

    /**
     * With a given environment and working directory, opening INI files through {@code files}: a tyrant emperor
     * reads an app's files with the identity of the app's user.
     */
    public ConfigLoader(Map<String, String> environment, Path workingDir, IniFiles files) {
        this(environment, workingDir, HostInfo.system(), files);
    }

    ConfigLoader(Map<String, String> environment, Path workingDir, HostInfo host) {
        this(environment, workingDir, host, IniFiles.DIRECT);
    }

    ConfigLoader(Map<String, String> environment, Path workingDir, HostInfo host, IniFiles files) {
        this.environment = Map.copyOf(environment);
        this.workingDir = workingDir.toAbsolutePath().normalize();
        this.host = Objects.requireNonNull(host, "host");
        this.files = Objects.requireNonNull(files, "files");
    }

    /** Loads an INI file ({@code shop.ini} or {@code shop.ini:section}) alone. */
    public AppConfig load(Path iniFile) {
        return load(iniFile, List.of());
    }

    /**
     * @param iniFile     the INI file, optionally with {@code :section}; null to use the command line only (then a
     *                    first {@code --ini} in {@code commandLine} is taken as the INI file)
     * @param commandLine {@code --option value} pairs in order, as split by the launcher; names with or without
     *                    the leading dashes; a null value for a bare switch
     * @throws ConfigException listing every problem
     */
    public AppConfig load(Path iniFile, List<Map.Entry<String, String>> commandLine) {
        Problems problems = new Problems();
        List<Map.Entry<String, String>> options = new ArrayList<>();
        String iniArgument = iniFile == null ? null : iniFile.toString();
        for (Map.Entry<String, String> e : commandLine) {
            if (iniArgument == null && Option.INI.names().contains(stripDashes(e.getKey())) && e.getValue() != null) {
                iniArgument = e.getValue();
            } else {
                options.add(e);
            }
        }

        EntryCollector collector = new EntryCollector(problems, workingDir, environment, host, files);
        IniFile main = iniArgument == null ? null : collector.readMain(iniArgument);
        for (Map.Entry<String, String> e : options) {
            collector.addCommandLine(stripDashes(e.getKey()), e.getValue(), main);
        }
        List<Entry> usingPlaceholders = new ArrayList<>(collector.entries());
        usingPlaceholders.addAll(collector.iniLines());
        List<Setting> settings = settle(collector.entries(), Resolver.referencedNames(usingPlaceholders), problems);

        Path iniPath = main == null ? null : workingDir.resolve(main.display()).normalize();
        AppConfig config = new AppConfig(settings, iniPath, main == null ? null : main.directory(), workingDir);
        if (problems.isEmpty() && !config.isSet("emperor")) {
            requireApp(config, main, problems);
        }
        problems.throwIfAny();
        return config;
    }

    /** Substitutes, classifies and validates every entry; keeps the valid option values in order. */
    private List<Setting> settle(List<Entry> entries, Set<String> placeholders, Problems problems) {
        Resolver resolver = new Resolver(entries, environment, host, problems, false);
        List<Setting> settings = new ArrayList<>();
        for (Entry entry : entries) {
            Option option = Option.find(entry.key()).orElse(null);
            if (option == null) {
                rejectUnknown(entry, placeholders, problems);
            } else if (option == Option.SET_PLACEHOLDER) {
                checkPlaceholderDefinition(entry, problems);
            } else {
                try {
                    String value = option.type().normalize(resolver.resolve(entry));
                    if (value == null) {
                        problems.add(entry.source(), option.name(),
                                Messages.missingValue(entry.key(), option.valueLabel()));
                    } else {
                        settings.add(new Setting(option, value, entry.source()));
                    }
                } catch (Resolver.Unresolvable alreadyReported) {
                    // reported where the broken variable is
                } catch (ValueType.BadValue bad) {
                    problems.add(entry.source(), option.name(), Messages.badValue(entry.key(), bad.getMessage()));
                }
            }
        }
        return settings;
    }

    private static void rejectUnknown(Entry entry, Set<String> placeholders, Problems problems) {
        String key = entry.key();
        var foreign = ForeignOptions.advice(key);
        if (foreign.isPresent()) {
            problems.add(entry.source(), key, foreign.get());
        } else if (!placeholders.contains(key)) {
            problems.add(entry.source(), key, Messages.unknownOption(key, Suggestions.closestOption(key),
                    entry.source().isCommandLine()));
        }
    }

    private static void checkPlaceholderDefinition(Entry entry, Problems problems) {
        if (Resolver.placeholderDefinedBy(entry) == null) {
            problems.add(entry.source(), entry.key(), Messages.badValue(entry.key(),
                    "'" + (entry.value() == null ? "" : entry.value()) + "' is not NAME=VALUE; write e.g. base=/srv/shop"));
        }
    }

    private void requireApp(AppConfig config, IniFile main, Problems problems) {
        String where = main == null ? null : main.display();
        if (!config.isSet("name")) {
            try {
                Option.NAME.type().normalize(config.appName());
            } catch (ValueType.BadValue bad) {
                report(problems, where, Messages.badDerivedName(bad.getMessage()));
                return;
            }
        }
        if (config.sockets().isEmpty()) {
            report(problems, where, Messages.noSocket(config.appName()));
        }
        if (config.servletClass().isEmpty() && config.wars().isEmpty() && config.mounts().isEmpty()) {
            report(problems, where, Messages.noApp(config.appName()));
        }
        checkDeployments(config, problems);
        checkUserFiles(config, problems);
        checkStaticMaps(config, problems);
        checkCache(config, problems);
    }

    /**
     * static-map targets exist and can be read: a typo would otherwise send every request on to the app. Read for
     * someone else (a tyrant emperor, a user's INI), only whether it exists for them is told: the workers, running
     * as them, say the rest.
     */
    private void checkStaticMaps(AppConfig config, Problems problems) {
        for (Setting s : config.settingsOf("static-map")) {
            AppConfig.StaticMap map = AppConfig.StaticMap.parse(s.value(), config.baseDir());
            java.nio.file.Path target = map.target();
            if (!files.exists(target)) {
                problems.add(s.source(), "static-map", Messages.staticTargetMissing(s.value(), target));
            } else if (files != IniFiles.DIRECT) {
                continue;
            } else if (!java.nio.file.Files.isReadable(target)
                    || (java.nio.file.Files.isDirectory(target) && !java.nio.file.Files.isExecutable(target))) {
                problems.add(s.source(), "static-map", Messages.staticTargetUnreadable(s.value(), target));
            } else if (!java.nio.file.Files.isDirectory(target) && !java.nio.file.Files.isRegularFile(target)) {
                problems.add(s.source(), "static-map", Messages.staticTargetNotAFile(s.value(), target));
            }
        }
    }

    /** war and mount targets exist, and no two contexts share a path. */
    private void checkDeployments(AppConfig config, Problems problems) {
        String atRoot = config.servletClass().isPresent() ? "'servlet'" : null;
        for (Setting s : config.settingsOf("war")) {
            java.nio.file.Path target = config.baseDir().resolve(s.value()).normalize();
            if (!files.exists(target)) {
                problems.add(s.source(), "war", Messages.deployTargetMissing("war", s.value(), target));
            }
            String here = "'war = " + s.value() + "' (" + s.source() + ")";
            if (atRoot != null) {
                problems.add(s.source(), "war", Messages.twoAppsAtRoot(atRoot, here));
            }
            atRoot = here;
        }
        java.util.Set<String> paths = new java.util.HashSet<>();
        for (Setting s : config.settingsOf("mount")) {
            AppConfig.Mount mount = AppConfig.Mount.parse(s.value(), config.baseDir());
            if (!files.exists(mount.target())) {
                problems.add(s.source(), "mount", Messages.deployTargetMissing("mount", s.value(), mount.target()));
            }
            if (!paths.add(mount.contextPath())) {
                problems.add(s.source(), "mount", Messages.mountedTwice(mount.contextPath().isEmpty() ? "/" : mount.contextPath()));
            } else if (mount.contextPath().isEmpty()) {
                String here = "'mount = " + s.value() + "' (" + s.source() + ")";
                if (atRoot != null) {
                    problems.add(s.source(), "mount", Messages.twoAppsAtRoot(atRoot, here));
                }
                atRoot = here;
            }
        }
    }

    /** auth-user-file and auth-group-file name files; the worker reads them (as the app's user). */
    private void checkUserFiles(AppConfig config, Problems problems) {
        for (String option : List.of("auth-user-file", "auth-group-file")) {
            if (!config.isSet(option)) {
                continue;
            }
            String written = config.string(option).orElseThrow();
            java.nio.file.Path file = config.baseDir().resolve(written).normalize();
            boolean there = files == IniFiles.DIRECT ? java.nio.file.Files.isRegularFile(file) : files.exists(file);
            if (!there) {
                Setting last = config.settingsOf(option).get(config.settingsOf(option).size() - 1);
                problems.add(last.source(), option, Messages.userFileMissing(option, written, file,
                        files == IniFiles.DIRECT && java.nio.file.Files.isDirectory(file)));
            }
        }
    }

    /** An entry may not be larger than the whole cache. */
    private static void checkCache(AppConfig config, Problems problems) {
        long size = Long.parseLong(config.string("cache-size").orElseThrow());
        if (config.integer("cache-max-item-size") > size) {
            String option = config.isSet("cache-max-item-size") ? "cache-max-item-size" : "cache-size";
            List<Setting> set = config.settingsOf(option);
            Source where = set.isEmpty() ? Source.COMMAND_LINE : set.get(set.size() - 1).source();
            problems.add(where, option, Messages.badValue(option, "cache-max-item-size ("
                    + config.integer("cache-max-item-size") + " bytes) is larger than cache-size (" + size
                    + " bytes); make the cache larger or the item size smaller"));
        }
    }

    private static void report(Problems problems, String file, String message) {
        problems.add(file == null ? Source.COMMAND_LINE : Source.wholeFile(file), null, message);
    }

    private static String stripDashes(String name) {
        return name.startsWith("--") ? name.substring(2) : name.startsWith("-") ? name.substring(1) : name;
    }
}
