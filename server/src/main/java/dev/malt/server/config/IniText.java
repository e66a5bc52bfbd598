package dev.malt.server.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.ini4j.Config;
import org.ini4j.InvalidFileFormatException;
import org.ini4j.spi.IniHandler;
import org.ini4j.spi.IniParser;

/**
 * The option lines of one INI file, per section and in file order, each with its line number. ini4j does the
 * tokenizing, set up for uWSGI's rules; uWSGI semantics (sections to read, includes, placeholders) live in
 * {@link EntryCollector}.
 */
final class IniText {

    /**
     * One option line; {@code value} is null for a bare key. {@code problem} is set for a line that cannot be an
     * option; it is reported only if its section is read, since uWSGI ignores sections it does not read.
     */
    record Line(String section, String key, String value, int number, String problem) {
    }

    /** ini4j puts lines before the first section here; uWSGI ignores them, and so does Malt. */
    private static final String BEFORE_ANY_SECTION = "\u0000before-any-section";

    /**
     * One parser for every file: making one looks up ini4j's service files on the class path and reads
     * its system properties, which cost more than parsing a file. It keeps no state between files.
     */
    private static final IniParser PARSER = IniParser.newInstance(uwsgiRules());

    private final List<Line> lines;
    private final Set<String> sections;

    private IniText(List<Line> lines, Set<String> sections) {
        this.lines = List.copyOf(lines);
        this.sections = Set.copyOf(sections);
    }

    boolean hasSection(String section) {
        return sections.contains(section);
    }

    /** Lines of every {@code [section]} block with that name, in file order (uWSGI merges repeated blocks). */
    List<Line> section(String section) {
        return lines.stream().filter(l -> l.section().equals(section)).toList();
    }

    /**
     * Parses {@code content}; a line ini4j cannot tokenize goes to {@code problems} with {@code file} as the
     * location, and ends the file.
     */
    static IniText parse(String content, String file, Problems problems) {
        LineCountingReader reader = new LineCountingReader(content);
        Handler handler = new Handler(reader);
        try {
            PARSER.parse(reader, handler);
        } catch (InvalidFileFormatException e) {
            // ini4j stops at the first line it cannot tokenize; report it with our own line count.
            problems.add(new Source(file, reader.lineNumber()), null, Messages.unparsableLine(reader.lineText().strip()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a String cannot fail
        }
        return new IniText(handler.lines, handler.sections);
    }

    /** ini4j's settings for uWSGI's INI dialect. Set one by one: ini4j reads defaults from system properties. */
    private static Config uwsgiRules() {
        Config config = new Config();
        config.setMultiOption(true);          // repeated keys are all kept
        config.setMultiSection(true);         // as are repeated [section] blocks
        config.setEscape(false);              // backslashes are plain characters, as in uWSGI
        config.setEscapeKeyOnly(false);
        config.setEscapeNewline(false);       // no line continuation: one option is one line
        config.setInclude(false);             // uWSGI's 'ini =' replaces ini4j's <include>
        config.setEmptyOption(true);          // a bare key is a switch set to true
        config.setGlobalSection(true);        // lines before the first section are allowed...
        config.setGlobalSectionName(BEFORE_ANY_SECTION); // ...and land in a section nobody reads
        config.setLowerCaseOption(false);
        config.setLowerCaseSection(false);
        config.setUnnamedSection(false);
        config.setComment(false);
        config.setHeaderComment(false);
        return config;
    }

    /** The first control character other than a tab in {@code line}, or -1. */
    static int controlCharacter(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return c;
            }
        }
        return -1;
    }

    private static final class Handler implements IniHandler {
        private final LineCountingReader reader;
        private final List<Line> lines = new ArrayList<>();
        private final Set<String> sections = new HashSet<>();
        private String section = BEFORE_ANY_SECTION;

        Handler(LineCountingReader reader) {
            this.reader = reader;
        }

        @Override
        public void startSection(String sectionName) {
            section = sectionName;
            sections.add(sectionName);
        }

        @Override
        public void handleOption(String optionName, String optionValue) {
            String raw = reader.lineText().strip();
            int colon = raw.indexOf(':');
            int equals = raw.indexOf('=');
            // ini4j also splits at ':', uWSGI only at '='. 'master: true' is a mistake, not an option.
            String problem = colon >= 0 && (equals < 0 || colon < equals) ? Messages.colonSeparator(raw) : null;
            int control = controlCharacter(raw);
            if (control >= 0) {
                // no path can hold a NUL, and escapes would reach log lines and terminals
                problem = Messages.controlCharacter(control);
            }
            lines.add(new Line(section, optionName, optionValue, reader.lineNumber(), problem));
        }

        @Override
        public void startIni() {
        }

        @Override
        public void endIni() {
        }

        @Override
        public void endSection() {
        }

        @Override
        public void handleComment(String comment) {
        }
    }
}
