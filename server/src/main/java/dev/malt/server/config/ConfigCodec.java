package dev.malt.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The text form of an {@link AppConfig} that a master hands to a worker JVM. One record per line, fields
 * separated by tabs, with backslash escapes for backslash, tab, CR and LF:
 * <pre>
 * malt-config 1
 * ini      /etc/malt/apps-enabled/shop.ini      (empty without a file)
 * ini-dir  /etc/malt/apps-available
 * cwd      /
 * set      workers  shop.ini:3  4               (one per value, in order)
 * </pre>
 */
final class ConfigCodec {

    private static final String HEADER = "malt-config 1";

    private ConfigCodec() {
    }

    static String encode(List<Setting> settings, Path iniFile, Path iniDir, Path workingDir) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        record(out, "ini", iniFile == null ? "" : iniFile.toString());
        record(out, "ini-dir", iniDir == null ? "" : iniDir.toString());
        record(out, "cwd", workingDir.toString());
        for (Setting s : settings) {
            record(out, "set", s.option().name(), s.source().toString(), s.value());
        }
        return out.toString();
    }

    static AppConfig decode(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("not an encoded Malt config (expected '" + HEADER + "' first)");
        }
        Path iniFile = null;
        Path iniDir = null;
        Path workingDir = null;
        List<Setting> settings = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            List<String> f = fields(lines[i]);
            switch (f.get(0)) {
                case "ini" -> iniFile = optionalPath(f, lines[i]);
                case "ini-dir" -> iniDir = optionalPath(f, lines[i]);
                case "cwd" -> workingDir = Path.of(field(f, 1, lines[i]));
                case "set" -> settings.add(new Setting(Option.require(field(f, 1, lines[i])),
                        field(f, 3, lines[i]), Source.parse(field(f, 2, lines[i]))));
                default -> throw new IllegalArgumentException("unknown record in encoded config: " + lines[i]);
            }
        }
        if (workingDir == null) {
            throw new IllegalArgumentException("encoded config has no 'cwd' record");
        }
        return new AppConfig(settings, iniFile, iniDir, workingDir);
    }

    private static void record(StringBuilder out, String... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            escape(out, fields[i]);
        }
        out.append('\n');
    }

    private static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }

    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\\' && i + 1 < line.length()) {
                char e = line.charAt(++i);
                field.append(switch (e) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> e;
                });
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    private static String field(List<String> fields, int index, String line) {
        if (index >= fields.size()) {
            throw new IllegalArgumentException("truncated record in encoded config: " + line);
        }
        return fields.get(index);
    }

    private static Path optionalPath(List<String> fields, String line) {
        String value = field(fields, 1, line);
        return value.isEmpty() ? null : Path.of(value);
    }
}
