package dev.malt.server.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the INI file and the command line into one ordered list of entries, following uWSGI's rules:
 * the {@code [malt]} section is read, or {@code [uwsgi]} when there is no {@code [malt]}; an
 * {@code ini = file[:section]} line is replaced by the entries it includes, right where it stands.
 */
final class EntryCollector {

    private static final List<String> DEFAULT_SECTIONS = List.of("malt", "uwsgi");

    private final Problems problems;
    private final Path workingDir;
    private final Map<String, String> environment;
    private final HostInfo host;
    private final IniFiles files;
    private final List<Entry> entries = new ArrayList<>();
    private final List<Entry> iniLines = new ArrayList<>();
    private final Map<Path, IniText> parsed = new HashMap<>();
    /** Files and sections being read, innermost last: an include of one of them is a loop. */
    private final List<String> reading = new ArrayList<>();
    private final List<String> readingShown = new ArrayList<>();

    /** A file and section named by {@code --ini} or an {@code ini} line; null path = the current file. */
    private record Target(Path path, String section) {
    }

    EntryCollector(Problems problems, Path workingDir, Map<String, String> environment, HostInfo host,
                   IniFiles files) {
        this.problems = problems;
        this.files = files;
        this.workingDir = workingDir;
        this.environment = environment;
        this.host = host;
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The {@code ini} lines, which {@link #entries()} replaces by what they include. */
    List<Entry> iniLines() {
        return List.copyOf(iniLines);
    }

    /**
     * Reads the INI file malt was started with ({@code shop.ini} or {@code shop.ini:section}).
     *
     * @return the file, or null when it cannot be read (reported)
     */
    IniFile readMain(String given) {
        Target target = target(given, workingDir);
        if (target.path() == null) {
            problems.add(Source.COMMAND_LINE, "ini", Messages.missingValue("ini", "FILE[:SECTION]"));
            return null;
        }
        String display = target.section() == null ? given : given.substring(0, given.lastIndexOf(':'));
        return read(target.path(), display, target.section(), null);
    }

    /** A {@code --name value} from the command line; its magic variables refer to {@code main}, if any. */
    void addCommandLine(String key, String value, IniFile main) {
        if (Option.INI.names().contains(key)) {
            include(value, Source.COMMAND_LINE, main, workingDir);
        } else {
            entries.add(new Entry(key, value, Source.COMMAND_LINE, main));
        }
    }

    private IniFile read(Path path, String display, String section, Source includedBy) {
        Path real;
        IniText text;
        try {
            IniFiles.Read read = files.read(path);
            real = read.realPath();
            text = parsed.get(real);
            if (text == null) {
                String content = read.text();
                text = IniText.parse(content.startsWith("\uFEFF") ? content.substring(1) : content, display, problems);
                parsed.put(real, text);
            }
        } catch (IOException e) {
            String reason = reason(e, path);
            if (includedBy == null) {
                problems.addAboutFile(display, Messages.cannotRead(path.toString(), reason,
                        "Check the path given to malt."));
            } else {
                problems.add(includedBy, "ini", Messages.cannotRead(path.toString(), reason,
                        "Check the 'ini' line; a relative path starts from the including file's directory."));
            }
            return null;
        }
        IniFile file = new IniFile(display, real);
        String chosen = section != null ? section
                : DEFAULT_SECTIONS.stream().filter(text::hasSection).findFirst().orElse(null);
        if (chosen == null || !text.hasSection(chosen)) {
            if (includedBy == null) {
                problems.addAboutFile(display, Messages.noSection(display, section));
            } else {
                problems.add(includedBy, "ini", Messages.noSection(display, section));
            }
            return file;
        }
        String key = real + "[" + chosen + "]";
        String shown = display + (section == null ? "" : ":" + section);
        if (reading.contains(key)) {
            List<String> loop = new ArrayList<>(readingShown.subList(reading.indexOf(key), reading.size()));
            loop.add(shown);
            problems.add(includedBy, "ini", Messages.includeLoop(loop));
            return file;
        }
        reading.add(key);
        readingShown.add(shown);
        for (IniText.Line line : text.section(chosen)) {
            Source source = new Source(display, line.number());
            if (line.problem() != null) {
                problems.add(source, null, line.problem());
            } else if (Option.INI.names().contains(line.key())) {
                include(line.value(), source, file, file.directory());
            } else {
                entries.add(new Entry(line.key(), line.value(), source, file));
            }
        }
        reading.remove(reading.size() - 1);
        readingShown.remove(readingShown.size() - 1);
        return file;
    }

    private void include(String raw, Source source, IniFile from, Path baseDir) {
        if (raw == null || raw.isBlank()) {
            problems.add(source, "ini", Messages.missingValue("ini", "FILE[:SECTION]"));
            return;
        }
        Entry line = new Entry("ini", raw.strip(), source, from);
        iniLines.add(line);
        // The file is read right here, so its name may only use placeholders set above this line.
        Resolver resolver = new Resolver(entries, environment, host, problems, true);
        String value;
        try {
            value = resolver.resolve(line);
        } catch (Resolver.Unresolvable alreadyReported) {
            return;
        }
        Target target = target(value, baseDir);
        if (target.path() == null) {
            if (from == null) {
                problems.add(source, "ini", Messages.missingValue("ini", "FILE[:SECTION]"));
            } else {
                read(from.realPath(), from.display(), target.section(), source);
            }
        } else {
            read(target.path(), shown(target.path()), target.section(), source);
        }
    }

    /** Splits {@code file.ini:section}; a file whose name really contains ':' wins when it exists. */
    private Target target(String text, Path baseDir) {
        Path whole = baseDir.resolve(text).normalize();
        int colon = text.lastIndexOf(':');
        if (colon < 0 || text.substring(colon + 1).contains("/") || files.exists(whole)) {
            return new Target(whole, null);
        }
        String file = text.substring(0, colon);
        String section = text.substring(colon + 1);
        return new Target(file.isEmpty() ? null : baseDir.resolve(file).normalize(),
                section.isEmpty() ? null : section);
    }

    /** How an included file is named in messages: relative to the working directory when inside it. */
    private String shown(Path path) {
        return path.startsWith(workingDir) && !path.equals(workingDir)
                ? workingDir.relativize(path).toString() : path.toString();
    }

    private static String reason(IOException e, Path path) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException denied) {
            return denied.getReason() == null ? "permission denied" : denied.getReason();
        }
        if (e instanceof CharacterCodingException) {
            return "it is not UTF-8 text";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
