package dev.malt.server.classcache;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a JVM of a given release makes and uses a class cache. Each format is made while a worker serves and ended on
 * demand (a diagnostic command, {@link Training}); neither writes at exit unasked, except an AOT recording whose
 * worker dies first, into a file that is never published.
 */
public enum CacheFormat {

    /**
     * JDK 17 to 24: an AppCDS dynamic archive on top of the JDK's own, dumped by {@code VM.cds dynamic_dump}. Its
     * skipped-class warnings at dump time (JFR events, generated accessors) would fill the log: only errors show.
     */
    CDS("jsa", "vmCds") {
        @Override
        public List<String> useFlags(Path cache) {
            return List.of("-XX:SharedArchiveFile=" + cache);
        }

        @Override
        List<String> recordFlags(Path output) {
            return List.of("-XX:+RecordDynamicDumpInfo", "-Xlog:cds*=error");
        }

        @Override
        String[] endArguments(Path output) {
            return new String[] {"dynamic_dump", output.toString()};
        }

        @Override
        public boolean needsDirectoryAtLaunch() {
            return false;
        }
    },

    /**
     * JDK 25 and later: the AOT cache (JEP 483) with method profiles (JEP 515), recorded and made in one step
     * (JEP 514, {@code AOTCacheOutput}); {@code AOT.end_recording} starts the JVM that assembles it, and waits.
     */
    AOT("aot", "aotEndRecording") {
        @Override
        public List<String> useFlags(Path cache) {
            return List.of("-XX:AOTCache=" + cache);
        }

        @Override
        List<String> recordFlags(Path output) {
            return List.of("-XX:AOTCacheOutput=" + output, "-Xlog:aot*=error", "-Xlog:cds*=error");
        }

        @Override
        String[] endArguments(Path output) {
            return new String[0];
        }

        @Override
        public boolean needsDirectoryAtLaunch() {
            return true;
        }
    };

    /** The first release with the AOT cache's one-step recording and {@code AOT.end_recording}. */
    static final int AOT_FEATURE = 25;
    /** Malt's own minimum; {@code -XX:+RecordDynamicDumpInfo} came with it. */
    static final int CDS_FEATURE = 17;

    /** System properties that make a worker a recording one: where to publish, what the JVM writes, and how. */
    static final String CACHE_PROPERTY = "malt.class-cache";
    static final String OUTPUT_PROPERTY = "malt.class-cache.output";
    static final String FORMAT_PROPERTY = "malt.class-cache.format";
    /** Given alone: the worker creates the cache's directory, as its user, for a later worker to record into. */
    static final String DIRECTORY_PROPERTY = "malt.class-cache.directory";

    /**
     * Flags in {@code jvm-options} that mean the operator runs class sharing their own way; Malt then stays out.
     * {@code -Xshare:off} is among them.
     */
    private static final List<String> OPERATOR_FLAGS = List.of("-Xshare", "-XX:SharedArchiveFile",
            "-XX:ArchiveClassesAtExit", "-XX:+AutoCreateSharedArchive", "-XX:+RecordDynamicDumpInfo", "-XX:AOTCache",
            "-XX:AOTCacheOutput", "-XX:AOTConfiguration", "-XX:AOTMode", "-XX:SharedClassListFile");

    private final String suffix;
    private final String diagnosticCommand;

    CacheFormat(String suffix, String diagnosticCommand) {
        this.suffix = suffix;
        this.diagnosticCommand = diagnosticCommand;
    }

    /** The {@code class-cache} setting: {@code auto} or {@code off}; the usual words for on and off mean the same. */
    public static String normalizeSetting(String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "auto", "on", "true", "yes", "1" -> "auto";
            case "off", "false", "no", "0" -> "off";
            default -> throw new IllegalArgumentException("'" + value + "' is not auto or off");
        };
    }

    /** The format a JVM of this release makes; empty before JDK 17. */
    public static Optional<CacheFormat> forRelease(JvmRelease release) {
        if (release.feature() >= AOT_FEATURE) {
            return Optional.of(AOT);
        }
        return release.feature() >= CDS_FEATURE ? Optional.of(CDS) : Optional.empty();
    }

    /** The first flag among {@code jvmOptions} by which the operator manages class sharing themselves, if any. */
    public static Optional<String> operatorFlag(List<String> jvmOptions) {
        return jvmOptions.stream()
                .filter(flag -> OPERATOR_FLAGS.stream().anyMatch(flag::startsWith))
                .findFirst();
    }

    /** File name extension of a finished cache. */
    public String suffix() {
        return suffix;
    }

    /** Flags of a worker that starts from {@code cache}. */
    public abstract List<String> useFlags(Path cache);

    /** Flags and properties of the worker that records the cache for {@code cache}, via {@code output}. */
    public List<String> recordingFlags(Path cache, Path output) {
        List<String> flags = new java.util.ArrayList<>(recordFlags(output));
        flags.add("-D" + CACHE_PROPERTY + "=" + cache);
        flags.add("-D" + OUTPUT_PROPERTY + "=" + output);
        flags.add("-D" + FORMAT_PROPERTY + "=" + name());
        return flags;
    }

    abstract List<String> recordFlags(Path output);

    /**
     * Whether the JVM opens its recording's files as it starts (the AOT configuration), so their directory must be
     * there first; a CDS recording writes only when it ends.
     */
    public abstract boolean needsDirectoryAtLaunch();

    /** The property that has a worker create the cache's {@code directory} for a later one to record into. */
    public static String directoryFlag(Path directory) {
        return "-D" + DIRECTORY_PROPERTY + "=" + directory;
    }

    /** The diagnostic command's operation on {@code com.sun.management:type=DiagnosticCommand}. */
    String diagnosticCommand() {
        return diagnosticCommand;
    }

    abstract String[] endArguments(Path output);
}
